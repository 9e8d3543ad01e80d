import * as http from "http";
import { DatabricksError } from "../../runtime/databricks/databricksClient";

/**
 * An error as Databricks' REST API answers one: an HTTP status and the body
 * `{"error_code": "...", "message": "..."}` (databricks-sdk-py `errors/` maps these codes; the
 * codes and statuses used here are the ones its `error_mapping.py` lists). The same class the
 * platform's client throws when it reads such an answer (runtime/databricks/databricksClient.ts).
 */
export { DatabricksError };

export const invalidParameter = (message: string) => new DatabricksError(400, "INVALID_PARAMETER_VALUE", message);
export const badRequest = (message: string) => new DatabricksError(400, "BAD_REQUEST", message);
export const doesNotExist = (message: string) => new DatabricksError(404, "RESOURCE_DOES_NOT_EXIST", message);
/** Databricks answers a create of a name that exists with 400 (not 409). */
export const alreadyExists = (message: string) => new DatabricksError(400, "RESOURCE_ALREADY_EXISTS", message);
export const conflict = (message: string) => new DatabricksError(409, "RESOURCE_CONFLICT", message);
export const invalidState = (message: string) => new DatabricksError(400, "INVALID_STATE", message);
export const unauthenticated = (message: string) => new DatabricksError(401, "UNAUTHENTICATED", message);
export const noSuchApi = (method: string, path: string) => new DatabricksError(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${path}'`);

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
    res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
}

export function sendError(res: http.ServerResponse, err: DatabricksError): void {
    sendJson(res, err.status, { error_code: err.errorCode, message: err.message });
}
