import { LocalAzure } from "../../emulator/localAzure";
import { EngineStack } from "../../lib/engine/engineStack";
import { main } from "../../program";
import { projectDir } from "./stackFile";
import * as path from "path";

/**
 * `pulumi up` of the program's stack `<stack>` in the scratch project `<dir>` (its Pulumi.yaml and
 * stack file), into a fresh emulator, in a process of its own, as `npm run local` runs it: a
 * program that fails takes the path it takes for a user (the SDK's own handlers of unhandled
 * rejections, which a jest worker would report as test failures instead). Prints one JSON line:
 * the error, the resource types left in state, and the ARM operations the emulator saw.
 * Usage: ts-node engineUpProcess.ts <dir> <stack>
 */
async function run(dir: string, stackName: string): Promise<void> {
    const azure = await LocalAzure.start({ projectDir, name: `up-${stackName}`, progress: () => undefined });
    try {
        const stack = await EngineStack.open({
            projectDir: dir,
            stack: stackName,
            stateDir: path.join(dir, "state"),
            program: async () => main(),
            env: azure.engineEnvironment(),
        });
        const error = await stack.up().then(
            () => undefined,
            (err: Error) => err.message,
        );
        const state = await stack.stack.exportStack();
        const resources = (state.deployment.resources ?? []).map((r: { type: string }) => r.type);
        process.stdout.write(`${JSON.stringify({ error, resources, armOperations: azure.arm.operations.length })}\n`);
    } finally {
        await azure.stop();
    }
}

run(process.argv[2], process.argv[3]).catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
});
