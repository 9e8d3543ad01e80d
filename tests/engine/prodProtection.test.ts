import * as fs from "fs";
import * as path from "path";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/** h. Prod protects its stateful resources because its config says so: the engine refuses to destroy them. */
jest.setTimeout(600_000);

const project = engineProject("engine-prod");
beforeAll(() => fs.copyFileSync(path.join(projectDir, "Pulumi.prod.yaml"), path.join(project.dir(), "Pulumi.prod.yaml")));

it("up of prod succeeds (Entra auth, smoke test inside it); destroy is refused by protect and deletes nothing protected", async () => {
    const prod = await project.open("prod");
    const up = await prod.up();
    expect(up.outputs.smokeTest.value).toMatchObject({ passed: true });
    expect(up.outputs).not.toHaveProperty("onlineEndpointKey");
    const workspaceId = up.outputs.workspaceId.value as string;

    const refused = await prod.destroy().catch((err: Error) => err);
    expect(String((refused as Error).message)).toMatch(/cannot be deleted\s+because it is protected/);
    expect(project.azure().arm.resource(workspaceId)).toBeDefined();
});
