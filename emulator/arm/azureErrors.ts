/**
 * Azure's error answers, in one place: the body Resource Manager sends (`{ error: { code, message } }`)
 * and the refusals the rules give, each with the status and code Azure uses for it.
 */

/** A refusal, as Azure sends it: status, code, message. */
export interface Refusal {
    readonly status: number;
    readonly code: string;
    readonly message: string;
    /** Inner errors: Azure ML puts the reason there under a generic message (a quota refusal). */
    readonly details?: readonly { readonly code: string; readonly message: string }[];
}

/** The body of an error answer. */
export function errorBody(code: string, message: string, details?: Refusal["details"]): { error: { code: string; message: string; details?: Refusal["details"] } } {
    return { error: { code, message, ...(details && { details }) } };
}

export const badRequest = (message: string): Refusal => ({ status: 400, code: "BadRequest", message });
/** A conflict with the resource's state (an immutable version, an endpoint mid-update). */
export const conflict = (message: string): Refusal => ({ status: 409, code: "Conflict", message });
export const notFound = (what: string): Refusal => ({ status: 404, code: "ResourceNotFound", message: `The Resource '${what}' was not found.` });
export const parentNotFound = (parent: string): Refusal => ({
    status: 404,
    code: "ParentResourceNotFound",
    message: `Can not perform requested operation on nested resource. Parent resource '${parent}' not found.`,
});
/** One operation at a time per resource. */
export const busy = (name: string): Refusal => ({ status: 409, code: "Conflict", message: `${name} is busy with another operation; try again later.` });
export const unauthenticated: Refusal = { status: 401, code: "InvalidAuthenticationToken", message: "The access token is missing or invalid." };
export const missingApiVersion: Refusal = {
    status: 400,
    code: "MissingApiVersionParameter",
    message: "The api-version query parameter (?api-version=) is required for all requests.",
};
export const invalidContent = (message = "The request content was invalid and could not be deserialized."): Refusal => ({
    status: 400,
    code: "InvalidRequestContent",
    message,
});
export const locationRequired: Refusal = { status: 400, code: "LocationRequired", message: "The location property is required for this definition." };
export const readOnlyProperty = (key: string): Refusal => badRequest(`properties.${key} is read-only.`);
/** ARM's standard answer when a principal holds no role granting the action at the scope or above it. */
export const authorizationFailed = (clientId: string, objectId: string, action: string, scope: string): Refusal => ({
    status: 403,
    code: "AuthorizationFailed",
    message:
        `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' ` +
        "or the scope is invalid. If access was recently granted, please refresh your credentials.",
});
/** Azure ML's own refusals of an asset (clients print them `(UserError) <message>`). */
export const userError = (status: number, message: string): Refusal => ({ status, code: "UserError", message });
