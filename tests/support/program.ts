import type { RecordingMocks } from "./mocks";

export interface ProgramRun {
    readonly mocks: RecordingMocks;
    /** The stack's exports, resolved. */
    readonly outputs: Record<string, unknown>;
}

/**
 * Runs the whole program (index.ts) under fresh Pulumi mocks with the given flat config. Modules
 * are reset first so each run starts from a clean runtime, as a separate `pulumi up` would.
 */
export async function runProgram(config: Record<string, string>, stack: string): Promise<ProgramRun> {
    jest.resetModules();
    const { installMocks, declareInStack } = require("./mocks") as typeof import("./mocks");
    const mocks = await installMocks(config, stack);
    const outputs = await declareInStack(mocks, () => require("../../index"));
    return { mocks, outputs };
}

/** Runs a function that declares resources under fresh mocks (for component tests). */
export async function withMocks<T>(
    build: () => T,
    config: Record<string, string> = {},
): Promise<{ mocks: RecordingMocks; result: T }> {
    jest.resetModules();
    const { installMocks, declareInStack } = require("./mocks") as typeof import("./mocks");
    const mocks = await installMocks(config);
    let result!: T;
    await declareInStack(mocks, () => {
        result = build();
        return {};
    });
    return { mocks, result };
}
