import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalAzure } from "../../emulator/localAzure";
import { EngineStack } from "../../lib/engine/engineStack";
import { main } from "../../program";
import { projectDir } from "../support/stackFile";

/**
 * g. The policy pack (policy/) run by the engine itself during a preview, with each stack's
 * enforcement levels: prod's settings pass; prod's policies against dev's values block the preview.
 */
jest.setTimeout(300_000);

let azure: LocalAzure;
let scratch: string;
beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-policy-"));
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
    azure = await LocalAzure.start({ projectDir, name: "engine-policy", progress: () => undefined });
});
afterAll(async () => {
    await azure?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
});

/** A preview of `stack` with the stack file of `configFrom`, under the pack with `levels`' enforcement levels. */
async function previewWithPolicies(stack: string, configFrom: string, levels: string) {
    fs.copyFileSync(path.join(projectDir, `Pulumi.${configFrom}.yaml`), path.join(scratch, `Pulumi.${stack}.yaml`));
    const engine = await EngineStack.open({ projectDir: scratch, stack, stateDir: path.join(scratch, "state"), program: async () => main(), env: azure.engineEnvironment() });
    return engine.preview({
        policyPacks: [path.join(projectDir, "policy")],
        policyPackConfigs: [path.join(projectDir, "policy", "config", `${levels}.json`)],
    });
}

it("passes prod's own settings", async () => {
    const preview = await previewWithPolicies("prod", "prod", "prod");
    expect(preview.stdout).toMatch(/Policies:\s*\n\s*✅ azureml-mlflow-guardrails@v0\.1\.0 \(local: .*policy\)/);
});

it("blocks prod's policies against dev's values, naming the mandatory policies violated", async () => {
    const failure = await previewWithPolicies("prodlike", "dev", "prod").catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    const text = String((failure as Error).message);
    expect(text).toMatch(/mandatory/);
    expect(text).toMatch(/prod-/);
});
