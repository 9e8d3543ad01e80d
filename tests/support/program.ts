import { installMocks, declareInStack, RecordingMocks } from "./mocks";
import { main } from "../../program/main";

export interface ProgramRun {
    readonly mocks: RecordingMocks;
    /** The stack's exports, resolved. */
    readonly outputs: Record<string, unknown>;
}

/**
 * Runs the whole program (what index.ts exports: `main()`) under fresh Pulumi mocks with the
 * given flat config, as a separate `pulumi up` would.
 */
export async function runProgram(config: Record<string, string>, stack: string): Promise<ProgramRun> {
    const mocks = await installMocks(config, stack);
    const outputs = await declareInStack(mocks, () => main());
    return { mocks, outputs };
}

/** Runs a function that declares resources under fresh mocks (for component tests). */
export async function withMocks<T>(
    build: () => T,
    config: Record<string, string> = {},
): Promise<{ mocks: RecordingMocks; result: T }> {
    const mocks = await installMocks(config);
    let result!: T;
    await declareInStack(mocks, () => {
        result = build();
        return {};
    });
    return { mocks, result };
}
