/** A failed Resource Manager call, carrying Azure's own code and message. */
export class ArmError extends Error {
    constructor(
        message: string,
        /** HTTP status, when the failure was an HTTP answer. */
        readonly status?: number,
        /** Azure's error code (e.g. "BadRequest", "UserError"). */
        readonly code?: string,
    ) {
        super(message);
        // Set again: inside a dynamic provider this class runs from Pulumi's serialized code, where
        // `super(message)` becomes a plain `Error.call(this, message)` that leaves `message` unset.
        this.message = message;
        this.name = "ArmError";
    }
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
