/** A failed Resource Manager call, carrying Azure's own code and message. */
export interface ArmError extends Error {
    readonly name: "ArmError";
    /** HTTP status, when the failure was an HTTP answer. */
    readonly status?: number;
    /** Azure's error code (e.g. "BadRequest", "UserError"). */
    readonly code?: string;
    /** Azure had accepted the request (a PUT) when this failed: the resource exists. */
    readonly accepted?: boolean;
}

/**
 * Made by a factory over a real Error, not a subclass: inside a dynamic provider this code runs
 * from Pulumi's serialized closures, where a subclass of Error loses its message and stack and
 * is no longer an Error (Pulumi's provider host would print "[object Object]").
 */
export function armError(message: string, status?: number, code?: string): ArmError {
    return Object.assign(new Error(message), { name: "ArmError" as const, status, code });
}

export function isArmError(err: unknown): err is ArmError {
    return err instanceof Error && err.name === "ArmError";
}

/** Azure's `{ error: { code, message } }` (or a bare `{ code, message }`) as "code: message". */
export function azureErrorText(body: unknown): { code?: string; text?: string } {
    const root = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : undefined;
    const error = root && typeof root.error === "object" && root.error !== null ? (root.error as Record<string, unknown>) : root;
    if (!error) return typeof body === "string" && body.trim() !== "" ? { text: body.trim().slice(0, 500) } : {};
    const code = typeof error.code === "string" ? error.code : undefined;
    const message = typeof error.message === "string" ? error.message : undefined;
    if (!code && !message) return {};
    // Azure ML puts the reason in `details` under a generic "The request is invalid." (a quota
    // refusal's InferencingClientCreateDeploymentFailed); azcore prints the whole body, so do we.
    const details = (Array.isArray(error.details) ? error.details : [])
        .map((d) => azureErrorText({ error: d }).text)
        .filter(Boolean);
    const text = [code, message].filter(Boolean).join(": ");
    return { code, text: details.length > 0 ? `${text} (${details.join("; ")})` : text };
}

/** Whether a PUT failed after Azure had accepted it (see `ArmClient.putAndWait`). */
export function failedAfterAccepted(err: unknown): boolean {
    return isArmError(err) && err.accepted === true;
}

/**
 * A failure after Azure accepted the request, as a Pulumi provider reports it: an error carrying
 * the resource's `id` and `properties`, which the provider host sends as ErrorResourceInitFailed,
 * so the engine keeps the resource in its state with the error, updates it on the next `up` and
 * deletes it when it leaves the program (the real azure-native provider's
 * `HandleErrorWithCheckpoint`, azure-native-provider.md R5).
 */
export function initFailure(err: unknown, id: string, properties: object): Error {
    const message = (err as Error).message;
    return Object.assign(new Error(message), { id, properties, reasons: [message] });
}
