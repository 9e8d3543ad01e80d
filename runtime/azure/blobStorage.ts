import type { TokenCredential } from "@azure/identity";
import { AzureCloud, armEndpointVariable, resourceManagerUrl } from "../arm/clouds";

const blobSuffixes: Record<AzureCloud, string> = {
    public: "blob.core.windows.net",
    usgovernment: "blob.core.usgovcloudapi.net",
    china: "blob.core.chinacloudapi.cn",
};

/** The blob container behind a workspace's default datastore (`workspaceblobstore`), as Azure ML names it. */
export function defaultBlobContainer(workspaceGuid: string): string {
    return `azureml-blobstore-${workspaceGuid}`;
}

/** Blob storage's data-plane API version (the `x-ms-version` header Azure Storage requires with a bearer token). */
const storageApiVersion = "2023-11-03";

/**
 * A blob's URL: `https://<account>.blob.<cloud suffix>/<container>/<path>`; with the Resource
 * Manager URL overridden (the local Azure), its storage front at `<override>/blobs/...`.
 */
export function blobUrl(cloud: AzureCloud, account: string, container: string, blobPath: string, env: NodeJS.ProcessEnv = process.env): string {
    const encoded = [container, ...blobPath.split("/")].map(encodeURIComponent).join("/");
    if (env[armEndpointVariable]?.trim()) return `${resourceManagerUrl(cloud, env)}/blobs/${encodeURIComponent(account)}/${encoded}`;
    return `https://${account}.${blobSuffixes[cloud]}/${encoded}`;
}

/** A blob's text, or undefined when it does not exist (404); other failures throw with the status. */
export async function readBlobText(cloud: AzureCloud, account: string, container: string, blobPath: string, credential: TokenCredential): Promise<string | undefined> {
    const token = await credential.getToken("https://storage.azure.com/.default");
    if (!token) throw new Error("no token for Azure Storage");
    const url = blobUrl(cloud, account, container, blobPath);
    const answer = await fetch(url, { headers: { Authorization: `Bearer ${token.token}`, "x-ms-version": storageApiVersion }, signal: AbortSignal.timeout(60_000) });
    if (answer.status === 404) return undefined;
    if (!answer.ok) throw new Error(`reading ${container}/${blobPath} in storage account ${account}: HTTP ${answer.status}`);
    return answer.text();
}

/** A blob's bytes; throws when it does not exist or cannot be read, naming it. */
export async function readBlobBytes(cloud: AzureCloud, account: string, container: string, blobPath: string, credential: TokenCredential): Promise<Buffer> {
    const token = await credential.getToken("https://storage.azure.com/.default");
    if (!token) throw new Error("no token for Azure Storage");
    const answer = await fetch(blobUrl(cloud, account, container, blobPath), { headers: { Authorization: `Bearer ${token.token}`, "x-ms-version": storageApiVersion }, signal: AbortSignal.timeout(120_000) });
    if (!answer.ok) throw new Error(`reading ${container}/${blobPath} in storage account ${account}: HTTP ${answer.status}`);
    return Buffer.from(await answer.arrayBuffer());
}

/**
 * Writes a file below a folder a SAS URL grants (`https://<account>.blob.../<container>/<folder>?<sas>`):
 * the file's path is appended to the URL's path, the SAS query kept (Put Blob, a block blob).
 */
export async function writeBlobWithSas(folderSasUrl: string, relativePath: string, content: Buffer): Promise<void> {
    const url = new URL(folderSasUrl);
    url.pathname = `${url.pathname.replace(/\/+$/, "")}/${relativePath.split("/").map(encodeURIComponent).join("/")}`;
    const answer = await fetch(url, { method: "PUT", body: content, headers: { "x-ms-blob-type": "BlockBlob", "x-ms-version": storageApiVersion, "Content-Length": String(content.length) }, signal: AbortSignal.timeout(120_000) });
    if (!answer.ok) throw new Error(`uploading ${relativePath} to ${url.origin}${url.pathname}: HTTP ${answer.status} ${(await answer.text()).slice(0, 200)}`);
}
