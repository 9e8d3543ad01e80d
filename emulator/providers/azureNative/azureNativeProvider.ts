import * as fs from "fs";
import type * as provider from "@pulumi/pulumi/provider";
import { ArmClient, armClientFor, azureNativeRetries } from "../../../runtime/arm/armClient";
import { failedAfterAccepted, initFailure, isArmError } from "../../../runtime/arm/armError";
import { resourceManagerScope } from "../../../runtime/arm/clouds";
import { blobUrl as storageBlobUrl } from "../../../runtime/azure/blobStorage";
import { azureCredential } from "../../../runtime/azure/credential";
import { armIdOf, outputsOf, requestBody, typeByToken } from "../../resources";
import { diffDetails } from "./detailedDiff";
import { changedInputs, containsUnknown, refreshedInputs } from "./inputDiff";
import { emulatedRelease, typeMetadata } from "./typeMetadata";

const blobType = "azure-native:storage:Blob";
/** The inputs a resource was last created, updated or refreshed with, kept in its outputs: diffs compare inputs with inputs. */
const inputsKey = "__inputs";
/** The real provider's default operation timeout (`client_azcore.go`; `customTimeouts` aside). */
const operationTimeoutMs = 2 * 60 * 60_000;

/** Where the emulator is and who calls it: the environment the engine gives its plugins. */
export interface ProviderEnvironment {
    readonly subscription: string;
    readonly tenant: string;
    /** The @pulumi/azure-native release to behave as (its API versions); see typeMetadata.ts. */
    readonly release: string;
}

export function providerEnvironment(env: NodeJS.ProcessEnv = process.env): ProviderEnvironment {
    return {
        subscription: env.ARM_SUBSCRIPTION_ID ?? "00000000-0000-0000-0000-0000000000e1",
        tenant: env.ARM_TENANT_ID ?? "00000000-0000-0000-0000-0000000000e2",
        release: emulatedRelease(env),
    };
}

function typeOf(urn: string): string {
    // urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>: the type is the last of the chain.
    return urn.split("::")[2].split("$").pop()!;
}

/** A blob's bytes from its `source` asset (the engine hands a file asset over with its path). */
async function assetBytes(source: any): Promise<Buffer> {
    const file = await (source?.path ?? source?.file);
    if (typeof file === "string") return fs.readFileSync(file);
    const text = await source?.text;
    if (typeof text === "string") return Buffer.from(text);
    throw new Error("the local azure-native provider uploads file or string assets only");
}

/** What a blob's inputs are compared by: its asset by content hash, never by the path it was read from. */
function comparableBlobInputs(inputs: Record<string, any>): Record<string, any> {
    const { source, ...rest } = inputs;
    return source === undefined ? rest : { ...rest, source: { hash: source?.hash ?? source } };
}

/**
 * The `azure-native` provider plugin against the local ARM emulator, behaving as the real v3
 * provider does where it matters to a user (each rule and its source in emulator/README.md):
 * - check: every type with an ARM API version gets the input `azureApiVersion` (so a provider
 *   upgrade that moves a type's API version is a diff, then a full PUT); path parameters required;
 * - diff: inputs against the recorded inputs, `__`-keys ignored, `location` without case and spaces,
 *   the resource group without case; a change of a path parameter or of a generated replace key is
 *   a replacement, always delete-first (every name here is explicit);
 * - create: refuses a resource that already exists (`cannot create already existing resource`);
 *   a long-running operation that fails after Azure accepted it leaves the resource in the state
 *   with an init error;
 * - update: a full PUT of the inputs; read: Azure's current values copied into the recorded inputs
 *   wherever they changed since the last read; a 404 removes the resource from the state;
 * - retries: 408, 429, 5xx and a 409 `AnotherOperationInProgress` only, within 2 hours.
 * `storage:Blob` uploads its file asset into the emulated storage.
 */
export function azureNativeProvider(env: ProviderEnvironment = providerEnvironment()): provider.Provider {
    const idOf = (type: string, inputs: Record<string, any>) => armIdOf(type, inputs, env.subscription);
    const apiVersionOf = (type: string) => typeMetadata(type, env.release).apiVersion;

    function client(type: string, timeoutMs = operationTimeoutMs): ArmClient {
        return armClientFor("public", {
            credential: azureCredential(),
            apiVersion: apiVersionOf(type),
            timeoutMs,
            pollIntervalMs: 200,
            retryBaseMs: 500,
            retries: azureNativeRetries,
        });
    }

    async function blobUrl(inputs: Record<string, any>): Promise<{ url: string; headers: Record<string, string> }> {
        const token = (await azureCredential().getToken(resourceManagerScope("public")))!.token;
        return { url: storageBlobUrl("public", String(inputs.accountName), String(inputs.containerName), String(inputs.blobName)), headers: { Authorization: `Bearer ${token}` } };
    }

    async function blobExists(inputs: Record<string, any>): Promise<boolean> {
        const { url, headers } = await blobUrl(inputs);
        return (await fetch(url, { headers })).status === 200;
    }

    async function uploadBlob(id: string, inputs: Record<string, any>): Promise<Record<string, unknown>> {
        const bytes = await assetBytes(inputs.source);
        const { url, headers } = await blobUrl(inputs);
        const answer = await fetch(url, { method: "PUT", body: bytes, headers });
        if (answer.status >= 300) throw new Error(`uploading ${inputs.blobName} failed: HTTP ${answer.status}`);
        const { source: _source, ...rest } = inputs;
        return { ...rest, name: inputs.blobName, url, contentLength: bytes.length, [inputsKey]: comparableBlobInputs(inputs), id };
    }

    /** A full PUT of the inputs, followed to its end; a failure after Azure accepted it keeps the resource. */
    async function put(type: string, id: string, inputs: Record<string, any>): Promise<Record<string, unknown>> {
        const arm = client(type);
        try {
            const answer = await arm.putAndWait(id, requestBody(type, inputs));
            return { ...outputsOf(type, inputs, answer, apiVersionOf(type)), [inputsKey]: inputs };
        } catch (err) {
            if (!failedAfterAccepted(err)) throw err;
            const now = await client(type, 120_000).get(id).catch(() => ({}));
            throw initFailure(err, id, { ...outputsOf(type, inputs, now, apiVersionOf(type)), [inputsKey]: inputs });
        }
    }

    return {
        version: env.release,

        async check(urn, _olds, news) {
            const type = typeOf(urn);
            const shape = typeByToken[type]?.mapping;
            const failures = (shape?.pathInputs ?? [])
                .filter((key) => !containsUnknown(news[key]) && (typeof news[key] !== "string" || news[key] === ""))
                .map((key) => ({ property: key, reason: `missing required property '${key}'` }));
            const apiVersion = apiVersionOf(type);
            return { inputs: apiVersion ? { ...news, azureApiVersion: apiVersion } : news, failures };
        },

        async diff(_id, urn, olds, news) {
            const type = typeOf(urn);
            const shape = typeByToken[type]?.mapping;
            const before = (olds[inputsKey] ?? olds) as Record<string, unknown>;
            const after = type === blobType ? comparableBlobInputs(news) : news;
            const changed = changedInputs(before, after);
            const replaceKeys = [...(shape?.pathInputs ?? []), ...typeMetadata(type, env.release).forceNew];
            // A value still unknown in a preview may change, but never forces a replacement here:
            // the real provider supports preview and keeps `name` and `location` known while a
            // parent updates; the node provider host cannot (emulator/README.md, known differences).
            const replaces = changed.filter((key) => replaceKeys.includes(key) && !containsUnknown(after[key]));
            diffDetails.set(urn, { changed, replaces, before, after });
            return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
        },

        async create(urn, inputs) {
            const type = typeOf(urn);
            const id = idOf(type, inputs);
            const exists = type === blobType ? await blobExists(inputs) : await client(type, 120_000).exists(id);
            if (exists) throw new Error(`cannot create already existing resource '${id}'`);
            return { id, outs: type === blobType ? await uploadBlob(id, inputs) : await put(type, id, inputs) };
        },

        async update(id, urn, _olds, news) {
            const type = typeOf(urn);
            return { outs: type === blobType ? await uploadBlob(id, news) : await put(type, id, news) };
        },

        async read(id, urn, props) {
            const type = typeOf(urn);
            const inputs = (props?.[inputsKey] ?? {}) as Record<string, any>;
            const gone = { id: "", props: {} } as unknown as provider.ReadResult;
            if (type === blobType) return (await blobExists(inputs)) ? { id, props, inputs } : gone;
            try {
                const answer = await client(type, 120_000).get(id);
                const outputs = { ...outputsOf(type, inputs, answer, props?.azureApiVersion as string | undefined) };
                const refreshed = refreshedInputs(typeByToken[type]?.mapping, inputs, props ?? {}, outputs);
                return { id, props: { ...outputs, [inputsKey]: refreshed }, inputs: refreshed };
            } catch (err) {
                if (isArmError(err) && err.status === 404) return gone;
                throw err;
            }
        },

        async delete(id, urn, props) {
            const type = typeOf(urn);
            if (type === blobType) {
                const { url, headers } = await blobUrl((props?.[inputsKey] ?? props) as Record<string, any>);
                await fetch(url, { method: "DELETE", headers });
                return;
            }
            await client(type).deleteAndWait(id);
        },

        async invoke(token, inputs) {
            switch (token) {
                case "azure-native:authorization:getClientConfig":
                    return { outputs: { clientId: "local-emulator-client", objectId: "local-emulator-object", subscriptionId: env.subscription, tenantId: env.tenant } };
                case "azure-native:machinelearningservices:listOnlineEndpointKeys":
                case "azure-native:machinelearningservices:getOnlineEndpointToken": {
                    const endpointType = "azure-native:machinelearningservices:OnlineEndpoint";
                    const endpoint = armIdOf(endpointType, inputs, env.subscription);
                    const action = token.endsWith("listOnlineEndpointKeys") ? "listKeys" : "token";
                    return { outputs: await client(endpointType, 120_000).post(`${endpoint}/${action}`) };
                }
                default: {
                    // `get<Type>` of a type declared here: a GET of its ARM id, answered as the
                    // resource's outputs (what the real provider's `Invoke` of a `get` function does).
                    const getter = /^(azure-native:[^:]+:)get([A-Z]\w*)$/.exec(token);
                    const type = getter ? `${getter[1]}${getter[2]}` : "";
                    if (!getter || !typeByToken[type] || type === blobType) throw new Error(`the local azure-native provider does not serve the invoke ${token}`);
                    const answer = await client(type, 120_000).get(idOf(type, inputs));
                    return { outputs: outputsOf(type, {}, answer, apiVersionOf(type)) };
                }
            }
        },
    };
}
