import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConcurrentUpdateError, UpResult } from "@pulumi/pulumi/automation";
import { EngineStack } from "../../tools/engine/engineStack";
import { writeDevStack } from "../support/devStack";
import { engineProject } from "../support/engineProject";
import { projectName } from "../support/stackFile";

/**
 * The team backend offline: the stacks' state in Azure Blob Storage, served by Azurite, as a team
 * keeps it with `pulumi login azblob://...`. The program's dev stack deployed into the local Azure
 * with its state, history and lock in Azurite's container; the engine's own lock refusing a
 * second `up` of dev while the first runs; a second stack reading dev's outputs, its secret key
 * included, through a stack reference served by the same backend.
 */
jest.setTimeout(300_000);

const project = engineProject("engine-team-backend", { teamBackend: true });
const team = () => project.teamBackend();
const stacks = `.pulumi/stacks/${projectName}/`;
const locks = `.pulumi/locks/organization/${projectName}/dev/`;

/** Dev's committed config without its batch endpoint (tests/support/devStack.ts). */
const writeDev = () => writeDevStack(project.dir(), () => undefined);

let devUp: UpResult;

it("keeps dev's state in Azurite, and the engine's lock there refuses a second up of dev while the first runs", async () => {
    writeDev();
    const first = await project.open("dev");
    const second = await project.open("dev");
    const running = first.up();
    const lock = await firstBlob(locks, running);
    expect(lock).toMatch(new RegExp(`^${locks}[0-9a-f-]{36}\\.json$`));
    expect(JSON.parse(await team().readBlob(lock))).toMatchObject({ pid: expect.any(Number), timestamp: expect.any(String) });

    const refused = await second.up().then(
        () => undefined,
        (err: Error) => err,
    );
    expect(refused).toBeInstanceOf(ConcurrentUpdateError);
    expect(refused!.message).toContain("the stack is currently locked by 1 lock(s)");
    expect(refused!.message).toContain(lock);

    devUp = await running;
    expect(devUp.summary.result).toBe("succeeded");
    expect(devUp.outputs.smokeTest.value).toMatchObject({ passed: true });
    expect(await team().listBlobs(".pulumi/locks/")).toEqual([]);
    const blobs = await team().listBlobs(".pulumi/");
    expect(blobs).toContain(`${stacks}dev.json`);
    expect(blobs.some((b) => b.startsWith(`.pulumi/history/${projectName}/dev/`))).toBe(true);
    const state = JSON.parse(await team().readBlob(`${stacks}dev.json`)) as { checkpoint: { latest: { resources: { type: string }[] } } };
    expect(state.checkpoint.latest.resources.map((r) => r.type)).toContain("azure-native:machinelearningservices:Workspace");
    // Nothing went to a state folder.
    expect(fs.existsSync(path.join(project.dir(), "state"))).toBe(false);
});

it("a second stack of the backend reads dev's outputs, its secret key included, through a stack reference", async () => {
    await project.given("dev", writeDev);
    const dev = await project.open("dev");
    const outputs = await dev.stack.outputs();
    expect(outputs.onlineEndpointKey).toMatchObject({ secret: true });

    // The project's required keys, as dev has them; the reader's program reads only dev.
    fs.copyFileSync(path.join(project.dir(), "Pulumi.dev.yaml"), path.join(project.dir(), "Pulumi.reader.yaml"));
    const reader = await EngineStack.open({
        projectDir: project.dir(),
        stack: "reader",
        backend: team().stateBackend,
        program: async () => {
            const devStack = new pulumi.StackReference(`organization/${projectName}/dev`);
            return {
                smokeTest: devStack.getOutput("smokeTest"),
                scoringUri: devStack.getOutput("scoringUri"),
                onlineEndpointKey: devStack.getOutput("onlineEndpointKey"),
            };
        },
    });
    const up = await reader.up();
    expect(up.outputs.smokeTest.value).toEqual(outputs.smokeTest.value);
    expect(up.outputs.scoringUri.value).toBe(outputs.scoringUri.value);
    expect(up.outputs.onlineEndpointKey).toEqual({ value: outputs.onlineEndpointKey.value, secret: true });
    expect(await team().listBlobs(stacks)).toEqual(expect.arrayContaining([`${stacks}dev.json`, `${stacks}reader.json`]));
    expect(await team().listBlobs(".pulumi/locks/")).toEqual([]);
});

/** The first blob under `prefix`, waited for while `operation` runs (it fails the wait if it ends first). */
async function firstBlob(prefix: string, operation: Promise<unknown>): Promise<string> {
    let ended = false;
    operation.then(
        () => (ended = true),
        () => (ended = true),
    );
    for (;;) {
        const [blob] = await team().listBlobs(prefix);
        if (blob) return blob;
        if (ended) throw new Error(`the operation ended before a blob appeared under ${prefix}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}
