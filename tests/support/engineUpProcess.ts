import { LocalAzure } from "../../emulator/localAzure";
import { EngineStack } from "../../tools/engine/engineStack";
import { main } from "../../program/main";
import { projectDir } from "./stackFile";
import * as path from "path";

/**
 * `pulumi up` of the program's stack `<stack>` in the scratch project `<dir>` (its Pulumi.yaml and
 * stack file), in a process of its own, as `npm run local` runs it: a program that fails takes
 * the path it takes for a user (the SDK's own handlers of unhandled rejections, which a jest
 * worker would report as test failures instead), and the engine can be killed half-way.
 *
 * Azure is a fresh emulator, or with `--running-emulator` the one whose engine environment this
 * process was started with (it outlives the engine, as Azure outlives a killed `pulumi up`).
 * Prints one JSON line: the error, the resource types left in state, and the ARM operations a
 * fresh emulator saw.
 * `--preview`: a preview instead of the up.
 * The state is in `<dir>/state`, or with ENGINE_TEST_BACKEND_URL set in that backend (a team
 * backend; AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY from this process's environment).
 * Usage: ts-node engineUpProcess.ts <dir> <stack> [--running-emulator] [--preview]
 */
async function run(dir: string, stackName: string, runningEmulator: boolean, previewOnly: boolean): Promise<void> {
    const azure = runningEmulator ? undefined : await LocalAzure.start({ projectDir, name: `up-${stackName}`, progress: () => undefined });
    try {
        const stack = await EngineStack.open({
            projectDir: dir,
            stack: stackName,
            ...(process.env.ENGINE_TEST_BACKEND_URL
                ? { backend: { url: process.env.ENGINE_TEST_BACKEND_URL, env: { AZURE_STORAGE_ACCOUNT: process.env.AZURE_STORAGE_ACCOUNT ?? "", AZURE_STORAGE_KEY: process.env.AZURE_STORAGE_KEY ?? "" } } }
                : { stateDir: path.join(dir, "state") }),
            program: async () => main(),
            env: azure?.engineEnvironment(),
        });
        const error = await (previewOnly ? stack.preview() : stack.up()).then(
            () => undefined,
            (err: Error) => err.message,
        );
        const state = await stack.stack.exportStack();
        const resources = (state.deployment.resources ?? []).map((r: { type: string }) => r.type);
        process.stdout.write(`${JSON.stringify({ error, resources, armOperations: azure?.arm.operations.length })}\n`);
    } finally {
        await azure?.stop();
    }
}

const flags = process.argv.slice(4);
run(process.argv[2], process.argv[3], flags.includes("--running-emulator"), flags.includes("--preview")).catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
});
