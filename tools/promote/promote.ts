import type { TokenCredential } from "@azure/identity";
import { contentHashOf } from "../../config/folders/folderContent";
import { ArmClient, armClientFor } from "../../runtime/arm/armClient";
import { isArmError } from "../../runtime/arm/armError";
import { AzureCloud } from "../../runtime/arm/clouds";
import { defaultBlobContainer, readBlobBytes, writeBlobWithSas } from "../../runtime/azure/blobStorage";
import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";
import type { VerifiedModel } from "../../program/declare/promotionChecks";

/** The registry version's tags a promotion writes: what prod's checks and a later promotion read. */
export const promotionTags = { contentHash: "contentSha256", from: "promotedFrom" } as const;

export interface PromotionRequest {
    /** `name:version`. */
    readonly model: string;
    /** The stack that served and smoke-tested it, and its outputs (read through the team backend). */
    readonly from: { readonly stack: string; readonly outputs: Record<string, unknown> };
    /** The stack that declares the registry, and its outputs. */
    readonly to: { readonly stack: string; readonly outputs: Record<string, unknown> };
    readonly cloud: AzureCloud;
    readonly credential: TokenCredential;
    readonly progress: (line: string) => void;
}

export interface PromotionResult {
    /** The registry version's asset id (what a stack file's `registry:` entry deploys). */
    readonly assetId: string;
    readonly contentHash: string;
    /** false: the registry already held this version with the same files (nothing was changed). */
    readonly copied: boolean;
    readonly files: number;
    readonly bytes: number;
    readonly seconds: number;
}

/**
 * Copies the model version a stack served and smoke-tested into the Azure ML registry another
 * stack declares, byte for byte: only a version in the source stack's `verifiedModels` output
 * (its last passing smoke test), its files read from the source workspace's storage and hashed
 * again (they must be the ones verified), uploaded where the registry's `startPendingUpload`
 * points, and registered with the hash as a tag. Idempotent: a version already there with the
 * same hash changes nothing; one with other files is refused (a registry version is immutable).
 */
export async function promoteModel(request: PromotionRequest): Promise<PromotionResult> {
    const started = Date.now();
    const { model, from, to, progress } = request;
    const at = model.lastIndexOf(":");
    const [name, version] = [model.slice(0, at), model.slice(at + 1)];
    if (at <= 0 || !/^\d+$/.test(version)) throw new Error(`--model ${model}: write name:version, e.g. diabetes-classifier:2`);
    const verified = ((from.outputs.verifiedModels ?? {}) as Record<string, VerifiedModel>)[model];
    if (!verified) {
        const listed = Object.keys((from.outputs.verifiedModels ?? {}) as object).sort().join(", ") || "none";
        throw new Error(`${from.stack}'s last passing smoke test did not cover ${model} (its verified models: ${listed}); deploy it there and let its smoke test pass first`);
    }
    const registryId = to.outputs.registryId;
    if (typeof registryId !== "string") throw new Error(`${to.stack} declares no registry (its stack file has no registry key, or it was never deployed)`);
    const arm = armClientFor(request.cloud, { credential: request.credential, timeoutMs: 30 * 60_000 });
    const assetId = `azureml://registries/${registryId.split("/").pop()}/models/${name}/versions/${version}`;

    progress(`reading ${model} as ${from.stack} verified it (${verified.files.length} files, content ${verified.contentHash.slice(0, 12)})`);
    const files = await readVerifiedFiles(arm, request, verified);
    const contentHash = contentHashOf(files);
    if (contentHash !== verified.contentHash) {
        throw new Error(`${model}'s files in ${from.stack}'s workspace hash to ${contentHash.slice(0, 12)}, not the ${verified.contentHash.slice(0, 12)} its smoke test verified: refusing to promote them`);
    }
    const bytes = files.reduce((sum, f) => sum + f.content.length, 0);
    const versionId = `${registryId}/models/${name}/versions/${version}`;
    const existing = await getOrUndefined(arm, versionId);
    if (existing) {
        const held = String(existing.properties?.tags?.[promotionTags.contentHash] ?? "");
        if (held === contentHash) {
            progress(`${assetId} already holds these files: nothing to do`);
            return { assetId, contentHash, copied: false, files: files.length, bytes, seconds: (Date.now() - started) / 1000 };
        }
        throw new Error(`${assetId} already exists with other files (content ${held.slice(0, 12) || "unknown"}, these are ${contentHash.slice(0, 12)}); a registry version is immutable: promote under a new version`);
    }
    const containerId = `${registryId}/models/${name}`;
    if (!(await getOrUndefined(arm, containerId))) await arm.putAndWait(containerId, { properties: { description: `Promoted from ${from.stack}` } });
    const upload = await arm.post(`${versionId}/startPendingUpload`, { pendingUploadType: "TemporaryBlobReference" });
    const reference = upload.blobReferenceForConsumption ?? {};
    const sasUri = String(reference.credential?.sasUri ?? "");
    if (!sasUri || !reference.blobUri) throw new Error(`the registry gave no upload location for ${assetId}: ${JSON.stringify(upload).slice(0, 300)}`);
    for (const file of files) await writeBlobWithSas(sasUri, file.relativePath, file.content);
    progress(`uploaded ${files.length} files (${bytes} bytes) to the registry's storage`);
    await arm.putAndWait(versionId, {
        properties: {
            modelType: "mlflow_model",
            modelUri: String(reference.blobUri),
            description: `${model} as ${from.stack} served and smoke-tested it`,
            tags: { [promotionTags.contentHash]: contentHash, [promotionTags.from]: `${from.stack} ${verified.modelId}` },
        },
    });
    progress(`registered ${assetId}`);
    return { assetId, contentHash, copied: true, files: files.length, bytes, seconds: (Date.now() - started) / 1000 };
}

/** The verified version's files, from the source workspace's default datastore, in the verified order. */
async function readVerifiedFiles(arm: ArmClient, request: PromotionRequest, verified: VerifiedModel): Promise<{ relativePath: string; content: Buffer }[]> {
    const location = parseDatastoreUri(verified.modelUri);
    if (!location || location.datastore.toLowerCase() !== "workspaceblobstore") throw new Error(`${verified.modelUri} is not in a workspace's default datastore`);
    const workspaceId = verified.modelId.replace(/\/models\/.*$/i, "");
    const workspace = await arm.get(workspaceId);
    const account = String(workspace.properties?.storageAccount ?? "").split("/").pop() ?? "";
    const container = defaultBlobContainer(String(workspace.properties?.workspaceId ?? ""));
    const folder = location.path.replace(/\/+$/, "");
    return Promise.all(
        verified.files.map(async (relativePath) => ({ relativePath, content: await readBlobBytes(request.cloud, account, container, `${folder}/${relativePath}`, request.credential) })),
    );
}

async function getOrUndefined(arm: ArmClient, id: string): Promise<Record<string, any> | undefined> {
    try {
        return await arm.get(id);
    } catch (err) {
        if (isArmError(err) && err.status === 404) return undefined;
        throw err;
    }
}
