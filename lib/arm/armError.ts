/** A failed Resource Manager call, carrying Azure's own code and message. */
export interface ArmError extends Error {
    readonly name: "ArmError";
    /** HTTP status, when the failure was an HTTP answer. */
    readonly status?: number;
    /** Azure's error code (e.g. "BadRequest", "UserError"). */
    readonly code?: string;
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
    return { code, text: [code, message].filter(Boolean).join(": ") };
}
