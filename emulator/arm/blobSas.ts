import { createHmac, timingSafeEqual } from "crypto";

/**
 * Shared access signatures for the emulated blob storage (`/blobs/<account>/<container>/<path>`):
 * what lets a client that holds no ARM token upload the files of a registry model version, as
 * Azure ML's `startPendingUpload` hands out a SAS URI into the registry's storage account.
 *
 * The emulator signs a directory SAS, Azure Storage's own form for a folder (`sr=d`, `sdd` = the
 * folder's depth below the container): `sv`, `sr`, `sdd`, `sp` (permissions: r read, c create,
 * w write), `se` (expiry, ISO 8601) and `sig`, an HMAC-SHA256 over those fields and
 * `/blob/<account>/<container>/<folder>` with a key only the emulator knows (derived from its
 * token). A request carrying `sig` is checked instead of the bearer token: refused (403) when the
 * signature does not match, when it has expired, when the blob is not below the signed folder, or
 * when the method needs a permission the SAS lacks (GET: r; PUT: c or w; nothing else).
 * Azure hands out a container SAS (sr=c) for a pending upload; the folder limit is the
 * emulator's stricter choice, so a client that writes outside the path it was given fails here.
 */
export interface SasGrant {
    readonly account: string;
    readonly container: string;
    /** The folder below the container, without leading or trailing slashes. */
    readonly folder: string;
    readonly permissions: string;
    /** ISO 8601. */
    readonly expiry: string;
}

/** The storage service version the emulator's SAS says it was signed for. */
export const sasVersion = "2025-11-05";

function signature(key: string, grant: SasGrant, depth: number): string {
    const resource = `/blob/${grant.account}/${grant.container}/${grant.folder}`;
    const text = [grant.permissions, grant.expiry, resource, sasVersion, "d", String(depth)].join("\n");
    return createHmac("sha256", key).update(text, "utf8").digest("base64");
}

/** The SAS query (without `?`) for a grant. */
export function sasQuery(key: string, grant: SasGrant): string {
    const depth = grant.folder === "" ? 0 : grant.folder.split("/").length;
    const query = new URLSearchParams({ sv: sasVersion, sr: "d", sdd: String(depth), sp: grant.permissions, se: grant.expiry, sig: signature(key, grant, depth) });
    return query.toString();
}

/**
 * Why a blob request carrying a SAS is refused, or undefined when the SAS allows it. `blobPath`
 * is the blob's path below the container (decoded).
 */
export function sasRefusal(key: string, method: string, account: string, container: string, blobPath: string, query: URLSearchParams, now = Date.now()): string | undefined {
    const depth = Number(query.get("sdd"));
    const permissions = query.get("sp") ?? "";
    const expiry = query.get("se") ?? "";
    if (query.get("sr") !== "d" || query.get("sv") !== sasVersion || !Number.isInteger(depth) || depth < 0) {
        return "AuthenticationFailed: the SAS is not one this storage signed (sv, sr=d, sdd).";
    }
    const segments = blobPath.split("/");
    if (segments.length <= depth) return "AuthorizationResourceTypeMismatch: the SAS names a folder; the request is not for a blob below it.";
    const folder = segments.slice(0, depth).join("/");
    const expected = signature(key, { account, container, folder, permissions, expiry }, depth);
    const given = Buffer.from(query.get("sig") ?? "", "base64");
    if (given.length !== Buffer.from(expected, "base64").length || !timingSafeEqual(given, Buffer.from(expected, "base64"))) {
        return "AuthenticationFailed: Signature did not match for this blob's folder.";
    }
    if (!(Date.parse(expiry) > now)) return "AuthenticationFailed: Signed expiry time has passed.";
    const needed = method === "GET" || method === "HEAD" ? ["r"] : method === "PUT" ? ["c", "w"] : [];
    if (!needed.some((p) => permissions.includes(p))) return `AuthorizationPermissionMismatch: the SAS does not permit ${method}.`;
    return undefined;
}
