import * as fs from "fs";
import type * as provider from "@pulumi/pulumi/provider";
import { ArmClient, armClientFor } from "../../../lib/arm/armClient";
import { isArmError } from "../../../lib/arm/armError";
import { resourceManagerScope, resourceManagerUrl } from "../../../lib/arm/clouds";
import { azureCredential } from "../../../lib/azure/credential";
import { armIdOf, outputsOf, requestBody, resourceTypes } from "../../../lib/azure/azureNativeTypes";

const blobType = "azure-native:storage:Blob";
/** The inputs a resource was created with, kept in its outputs: diffs compare inputs with inputs. */
const inputsKey = "__inputs";

/** Where the emulator is and who calls it: the environment the engine gives its plugins. */
export interface ProviderEnvironment {
    readonly subscription: string;
    readonly tenant: string;
}

export function providerEnvironment(env: NodeJS.ProcessEnv = process.env): ProviderEnvironment {
    return {
        subscription: env.ARM_SUBSCRIPTION_ID ?? "00000000-0000-0000-0000-0000000000e1",
        tenant: env.ARM_TENANT_ID ?? "00000000-0000-0000-0000-0000000000e2",
    };
}

function typeOf(urn: string): string {
    // urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>: the type is the last of the chain.
    return urn.split("::")[2].split("$").pop()!;
}

function client(timeoutMs = 30 * 60_000): ArmClient {
    return armClientFor("public", {
        credential: azureCredential(),
        timeoutMs,
        pollIntervalMs: 200,
        retryBaseMs: 500,
    });
}

/** Deep equality of JSON-like values, key order aside. */
function same(a: unknown, b: unknown): boolean {
    const norm = (v: unknown): unknown =>
        Array.isArray(v) ? v.map(norm) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as any)[k])])) : v;
    return JSON.stringify(norm(a ?? null)) === JSON.stringify(norm(b ?? null));
}

/** The engine's marker for a value not known until the resource it comes from is updated. */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function containsUnknown(value: unknown): boolean {
    if (value === unknownValue) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** A blob's bytes from its `source` asset (the engine hands a file asset over with its path). */
async function assetBytes(source: any): Promise<Buffer> {
    const file = await (source?.path ?? source?.file);
    if (typeof file === "string") return fs.readFileSync(file);
    const text = await source?.text;
    if (typeof text === "string") return Buffer.from(text);
    throw new Error("the local azure-native provider uploads file or string assets only");
}

/**
 * The `azure-native` provider plugin against the local ARM emulator: each resource mapped to its
 * ARM id and request body as the real provider maps it (resourceTypes.ts), created and updated by
 * PUT and followed to the end of its operation, read by GET, deleted by DELETE; the ARM answer is
 * the resource's outputs. `storage:Blob` uploads its file asset into the emulated storage.
 */
export function azureNativeProvider(env: ProviderEnvironment = providerEnvironment()): provider.Provider {
    const idOf = (type: string, inputs: Record<string, any>) => armIdOf(type, inputs, env.subscription);

    async function apply(type: string, inputs: Record<string, any>): Promise<{ id: string; outs: Record<string, unknown> }> {
        const id = idOf(type, inputs);
        if (type === blobType) {
            const bytes = await assetBytes(inputs.source);
            const base = resourceManagerUrl("public");
            const token = (await azureCredential().getToken(resourceManagerScope("public")))!.token;
            const url = `${base}/blobs/${inputs.accountName}/${inputs.containerName}/${inputs.blobName.split("/").map(encodeURIComponent).join("/")}`;
            const answer = await fetch(url, { method: "PUT", body: bytes, headers: { Authorization: `Bearer ${token}` } });
            if (answer.status >= 300) throw new Error(`uploading ${inputs.blobName} failed: HTTP ${answer.status}`);
            const { source: _source, ...rest } = inputs;
            return { id, outs: { ...rest, name: inputs.blobName, url, contentLength: bytes.length, [inputsKey]: rest } };
        }
        const answer = await client().putAndWait(id, requestBody(type, inputs));
        return { id, outs: { ...outputsOf(type, inputs, answer), [inputsKey]: inputs } };
    }

    return {
        version: "3.28.0",

        async check(_urn, _olds, news) {
            return { inputs: news };
        },

        async diff(_id, urn, olds, news) {
            const type = typeOf(urn);
            const shape = resourceTypes[type];
            const before = (olds[inputsKey] ?? olds) as Record<string, unknown>;
            const { source: _source, ...comparable } = news;
            const keys = [...new Set([...Object.keys(comparable), ...Object.keys(before)])].filter((k) => k !== inputsKey && k !== "source");
            // A value still unknown in a preview may change, but never forces a replacement here:
            // the real provider supports preview and returns the outputs it already knows (a
            // workspace's name stays known while its tags change); the node provider host cannot,
            // so without this every resource reading such an output would preview as replaced.
            // `up` diffs with known values.
            const changed = keys.filter((key) => containsUnknown(comparable[key]) || !same(before[key], comparable[key]));
            const replaces = changed.filter((key) => !containsUnknown(comparable[key]) && shape?.replaceOnChanges.includes(key));
            return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
        },

        async create(urn, inputs) {
            return apply(typeOf(urn), inputs);
        },

        async update(_id, urn, _olds, news) {
            return { outs: (await apply(typeOf(urn), news)).outs };
        },

        async read(id, urn, props) {
            const type = typeOf(urn);
            const inputs = (props?.[inputsKey] ?? {}) as Record<string, any>;
            if (type === blobType) return { id, props, inputs };
            try {
                const answer = await client(120_000).get(id);
                return { id, props: { ...outputsOf(type, inputs, answer), [inputsKey]: inputs }, inputs };
            } catch (err) {
                if (isArmError(err) && err.status === 404) return { id: "", props: {} } as unknown as provider.ReadResult;
                throw err;
            }
        },

        async delete(id, urn) {
            if (typeOf(urn) === blobType) return;
            await client().deleteAndWait(id);
        },

        async invoke(token, inputs) {
            switch (token) {
                case "azure-native:authorization:getClientConfig":
                    return { outputs: { clientId: "local-emulator-client", objectId: "local-emulator-object", subscriptionId: env.subscription, tenantId: env.tenant } };
                case "azure-native:machinelearningservices:listOnlineEndpointKeys":
                case "azure-native:machinelearningservices:getOnlineEndpointToken": {
                    const endpoint = armIdOf("azure-native:machinelearningservices:OnlineEndpoint", inputs, env.subscription);
                    const action = token.endsWith("listOnlineEndpointKeys") ? "listKeys" : "token";
                    return { outputs: await client(120_000).post(`${endpoint}/${action}`) };
                }
                default:
                    throw new Error(`the local azure-native provider does not serve the invoke ${token}`);
            }
        },
    };
}
