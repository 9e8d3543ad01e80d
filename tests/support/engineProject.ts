import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalAzure } from "../../emulator/localAzure";
import { EngineStack } from "../../tools/engine/engineStack";
import { main } from "../../program/main";
import { projectDir } from "./stackFile";

/**
 * A scratch copy of the project's Pulumi.yaml (stack files are written by each test) with its own
 * state, and Azure on this machine under `name`, for tests that run the program through the real
 * engine. Registers its own setup and teardown.
 */
export function engineProject(name: string): {
    readonly dir: () => string;
    readonly azure: () => LocalAzure;
    /** The program's stack `stack`, run by the engine against the emulator. */
    readonly open: (stack: string) => Promise<EngineStack>;
} {
    let scratch = "";
    let azure: LocalAzure | undefined;
    beforeAll(async () => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
        fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
        azure = await LocalAzure.start({ projectDir, name, progress: () => undefined });
    });
    afterAll(async () => {
        await azure?.stop();
        fs.rmSync(scratch, { recursive: true, force: true });
    });
    return {
        dir: () => scratch,
        azure: () => azure!,
        open: (stack) =>
            EngineStack.open({ projectDir: scratch, stack, stateDir: path.join(scratch, "state"), program: async () => main(), env: azure!.engineEnvironment() }),
    };
}
