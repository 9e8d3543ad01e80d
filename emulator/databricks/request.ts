import * as http from "http";
import { DatabricksError, invalidParameter } from "./errors";

/** One request to a workspace, read whole, the workspace host taken off its path. */
export interface WorkspaceRequest {
    readonly method: string;
    /** The path after the workspace host, without the query (`/api/2.0/serving-endpoints/x`). */
    readonly path: string;
    readonly query: URLSearchParams;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: Buffer;
}

/** The request's JSON object body (`{}` when empty); 400 `MALFORMED_REQUEST` otherwise, as Databricks answers. */
export function jsonBody(req: WorkspaceRequest): Record<string, any> {
    if (req.body.length === 0) return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(req.body.toString("utf8"));
    } catch {
        throw new DatabricksError(400, "MALFORMED_REQUEST", "Could not parse request object: the body is not JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new DatabricksError(400, "MALFORMED_REQUEST", "Could not parse request object: expected a JSON object");
    }
    return parsed as Record<string, any>;
}

/** A required non-empty string field of a body or query. */
export function requiredString(value: unknown, field: string): string {
    if (typeof value !== "string" || value === "") throw invalidParameter(`Missing required field: ${field}`);
    return value;
}
