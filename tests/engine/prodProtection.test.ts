import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalAzure } from "../../emulator/localAzure";
import { EngineStack } from "../../lib/engine/engineStack";
import { main } from "../../program";
import { projectDir } from "../support/stackFile";

/** h. Prod protects its stateful resources because its config says so: the engine refuses to destroy them. */
jest.setTimeout(300_000);

let azure: LocalAzure;
let scratch: string;
beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-prod-"));
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
    fs.copyFileSync(path.join(projectDir, "Pulumi.prod.yaml"), path.join(scratch, "Pulumi.prod.yaml"));
    azure = await LocalAzure.start({ projectDir, name: "engine-prod", progress: () => undefined });
});
afterAll(async () => {
    await azure?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
});

it("up of prod succeeds (Entra auth, smoke test inside it); destroy is refused by protect and deletes nothing protected", async () => {
    const prod = await EngineStack.open({ projectDir: scratch, stack: "prod", stateDir: path.join(scratch, "state"), program: async () => main(), env: azure.engineEnvironment() });
    const up = await prod.up();
    expect(up.outputs.smokeTest.value).toMatchObject({ passed: true });
    expect(up.outputs).not.toHaveProperty("onlineEndpointKey");
    const workspaceId = up.outputs.workspaceId.value as string;

    const refused = await prod.destroy().catch((err: Error) => err);
    expect(String((refused as Error).message)).toMatch(/cannot be deleted\s+because it is protected/);
    expect(azure.arm.resource(workspaceId)).toBeDefined();
});
