import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ArmId } from "../arm/armIds";
import { badRequest, notFound, parentNotFound, userError } from "../arm/azureErrors";
import { RuleContext } from "../arm/storedResource";
import { inRegistry, registryOf, registryStorage, registryType } from "./registry";
import { EmulatedType, mapping } from "./resourceType";

/** The container of a registry's storage account that uploads go to (the emulator's choice; Azure's is not documented). */
export const registryUploadContainer = "assets";

/**
 * What a version may change without a new version number: its description, tags, stage and
 * whether it is archived (azure-ai-ml's `models.archive`/`restore` and `update` work on registry
 * models). Every other property is immutable: "Value of property <p> for model <m> cannot be
 * replaced to <v> without increasing the version." (Azure/azureml-assets#3439).
 */
const mutable = new Set(["description", "tags", "isArchived", "stage"]);
/** ModelVersionProperties defaults (the SDK's `modelVersionPropertiesArgsProvideDefaults`): absent equals them. */
const defaults: Record<string, unknown> = { isAnonymous: false, isArchived: false };

/** `azureml://registries/<r>/models/<n>/versions/<v>`: how Azure ML names a registry version. */
export function registryAssetId(id: ArmId): string {
    const [, registryName, model, version] = /\/registries\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(id.id)!;
    return `azureml://registries/${registryName}/models/${model}/versions/${version}`;
}

/** Where a blob URI points in the emulated storage: the storage front's URL or Azure's own form. */
export interface BlobLocation {
    readonly account: string;
    readonly container: string;
    /** Below the container, without leading or trailing slashes. */
    readonly path: string;
}

/**
 * `<storage front>/blobs/<account>/<container>/<path>` (what runtime/azure/blobStorage.ts `blobUrl`
 * builds against the local Azure, and what `startPendingUpload` answers) or
 * `https://<account>.blob.core.windows.net/<container>/<path>`; no query (a SAS is no model URI).
 */
export function parseBlobUri(uri: string): BlobLocation | undefined {
    let url: URL;
    try {
        url = new URL(uri);
    } catch {
        return undefined;
    }
    if (!/^https?:$/.test(url.protocol) || url.search !== "") return undefined;
    const segments = url.pathname.split("/").slice(1).map((s) => decodeURIComponent(s));
    while (segments.length > 0 && segments[segments.length - 1] === "") segments.pop();
    const azure = /^([a-z0-9]{3,24})\.blob\.core\.windows\.net$/i.exec(url.hostname);
    const [account, container, ...rest] = azure ? [azure[1].toLowerCase(), ...segments] : segments[0] === "blobs" ? segments.slice(1) : [];
    if (!account || !container || rest.length === 0 || [account, container, ...rest].some((s) => s === "" || s === "." || s === "..")) return undefined;
    return { account, container, path: rest.join("/") };
}

/** `MM/dd/yyyy HH:mm:ss +00:00`, as Azure ML writes a deletion time. */
function azureMlTime(iso: string): string {
    const d = new Date(iso);
    const two = (n: number) => String(n).padStart(2, "0");
    return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +00:00`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const shown = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value ?? null));

/** The first immutable property a PUT would replace (a key of `properties.properties` by its own name), or undefined. */
function replacedProperty(before: Record<string, any>, after: Record<string, any>): { key: string; value: unknown } | undefined {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !mutable.has(k) && k !== "provisioningState").sort();
    for (const key of keys) {
        const was = before[key] ?? defaults[key];
        const now = after[key] ?? defaults[key];
        if (key === "properties" && (was === undefined || typeof was === "object") && (now === undefined || typeof now === "object")) {
            const inner = [...new Set([...Object.keys(was ?? {}), ...Object.keys(now ?? {})])].sort();
            const changed = inner.find((k) => !same(was?.[k], now?.[k]));
            if (changed !== undefined) return { key: changed, value: now?.[changed] };
        } else if (!same(was, now)) {
            return { key, value: now };
        }
    }
    return undefined;
}

/** Why a version's modelUri names no files of this registry (or no MLflow model for an `mlflow_model`). */
function modelUriProblem(ctx: RuleContext, registryId: string, body: Record<string, any>): string | undefined {
    const uri = String(body.properties?.modelUri ?? "");
    const registryName = registryId.split("/").pop();
    const location = parseBlobUri(uri);
    if (!location) return `modelUri ${uri || "(none)"} is not a blob URI in registry ${registryName}'s storage: upload the files where startPendingUpload points, then register that blobUri.`;
    const registry = ctx.get(registryId)!;
    const accounts = registryStorage(registry).map((s) => s.account);
    if (!accounts.includes(location.account)) return `modelUri ${uri} is in storage account ${location.account}, not in registry ${registryName}'s storage (${accounts.join(", ")}).`;
    const folder = path.join(ctx.containerDir(location.account, location.container), ...location.path.split("/"));
    if (String(body.properties?.modelType ?? "").toLowerCase() === "mlflow_model") {
        return ctx.blobExists(location.account, location.container, `${location.path}/MLmodel`) ? undefined : `modelUri ${uri} holds no MLmodel: upload the model folder before registering it.`;
    }
    return fs.existsSync(folder) ? undefined : `modelUri ${uri} names no uploaded files.`;
}

/**
 * `POST .../versions/{v}/startPendingUpload` (`RegistryModelVersions_CreateOrGetStartPendingUpload`,
 * mfe.json 2025-12-01): where to upload a version's files before creating it. Answers a folder in
 * the registry's primary storage account, `assets/<model>/<version>/<pendingUploadId>` (the same
 * folder again for the same `pendingUploadId`; a fresh id when none is given), and a SAS for it.
 */
function startPendingUpload(ctx: RuleContext, id: ArmId, body: Record<string, any> | undefined) {
    const type = body?.pendingUploadType;
    if (type !== "TemporaryBlobReference") return badRequest(`pendingUploadType must be TemporaryBlobReference; got ${type ?? "none"}.`);
    const registryId = registryOf(id.id)!;
    const registry = ctx.get(registryId);
    if (!registry) return notFound(`${registryType}/${registryId.split("/").pop()}`);
    if (!ctx.get(id.parent!)) return parentNotFound(id.parent!);
    // The data-plane twin of this call answers 409 "Asset already exists" (azure-ai-ml _model_operations.py).
    if (ctx.get(id.id)) return userError(409, `Asset ${registryAssetId(id)} already exists.`);
    const uploadId = String(body?.pendingUploadId ?? randomUUID());
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(uploadId)) return badRequest(`pendingUploadId ${uploadId}: letters, digits, '.', '_', '-' only.`);
    const [storage] = registryStorage(registry);
    const model = id.parent!.split("/").pop()!;
    const { blobUri, sasUri } = ctx.uploadAccess(storage.account, registryUploadContainer, `${model}/${id.name}/${uploadId}`);
    return {
        status: 200,
        body: {
            blobReferenceForConsumption: { blobUri, storageAccountArmId: storage.armId, credential: { credentialType: "SAS", sasUri } },
            pendingUploadId: uploadId,
            pendingUploadType: "TemporaryBlobReference",
        },
    };
}

/**
 * A model version in a registry (`registries/{r}/models/{n}/versions/{v}`): immutable but for its
 * metadata, its files in the registry's storage, and never recreated once deleted.
 */
export const registryModelVersion: EmulatedType = {
    token: "azure-native:machinelearningservices:RegistryModelVersion",
    armType: "Microsoft.MachineLearningServices/registries/models/versions",
    mapping: mapping("version", (i) => `${inRegistry(i)}/models/${i.modelName}/versions/${i.version}`, ["registryName", "modelName", "version"], false),
    sdkFile: "machinelearningservices/registryModelVersion",
    forceNew: {},
    rules: {
        checkPut(ctx, id, body, existing) {
            const model = id.parent!.split("/").pop();
            if (existing) {
                const replaced = replacedProperty(existing.body.properties ?? {}, body.properties ?? {});
                return replaced && userError(409, `Value of property ${replaced.key} for model ${model} cannot be replaced to ${shown(replaced.value)} without increasing the version.`);
            }
            const deleted = ctx.deletedAt(id.id);
            // Azure/azureml-assets#2919, #3439.
            if (deleted) return userError(409, `Asset ${registryAssetId(id)} was deleted at ${azureMlTime(deleted)}, it cannot be recreated. Please try again with a different version.`);
            const problem = modelUriProblem(ctx, registryOf(id.id)!, body);
            return problem ? badRequest(problem) : undefined;
        },
        actions: { startpendingupload: startPendingUpload },
    },
};

/** A model named by a registry version: `azureml://registries/<r>/models/<n>/versions/<v>`, or that version's ARM id. */
export interface RegistryModelReference {
    readonly registryName: string;
    readonly model: string;
    readonly version: string;
    /** The registry's id, when the reference is an ARM id. */
    readonly registryId?: string;
}

/** azure-ai-ml `REGISTRY_VERSION_PATTERN` (constants/_common.py), for models. */
const assetForm = /^azureml:\/\/registries\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i;
const armForm = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/registries\/([^/]+))\/models\/([^/]+)\/versions\/([^/]+)$/i;

/** The registry version a deployment's model names, or undefined when it names none (a workspace model). */
export function registryModelReference(model: string): RegistryModelReference | undefined {
    const asset = assetForm.exec(model.trim());
    if (asset) return { registryName: asset[1], model: asset[2], version: asset[3] };
    const arm = armForm.exec(model.trim());
    return arm ? { registryId: arm[1], registryName: arm[2], model: arm[3], version: arm[4] } : undefined;
}

/** Where registries are looked up: the ARM server's store, or a rule's view of it. */
export interface RegistryLookup {
    get(id: string): { readonly id: ArmId; readonly body: Record<string, any> } | undefined;
    ofType(type: string): { readonly id: ArmId; readonly body: Record<string, any> }[];
}

/**
 * The registry a reference names: by its id, or by name for the `azureml://` form (Azure resolves
 * registry names tenant-wide; here among the registries the emulator holds).
 */
export function referencedRegistry(lookup: RegistryLookup, reference: RegistryModelReference) {
    if (reference.registryId) return lookup.get(reference.registryId);
    return lookup.ofType(registryType).find((r) => r.id.name.toLowerCase() === reference.registryName.toLowerCase());
}

/** The ARM id of the version a reference names, in its registry. */
export function referencedVersionId(registryId: string, reference: RegistryModelReference): string {
    return `${registryId}/models/${reference.model}/versions/${reference.version}`;
}
