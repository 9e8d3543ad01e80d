import * as fs from "fs";
import * as path from "path";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * g. The policy pack (policy/) run by the engine itself during a preview, with each stack's
 * enforcement levels: prod's settings pass; prod's policies against dev's values block the preview.
 */
jest.setTimeout(300_000);

const project = engineProject("engine-policy");

/** A preview of `stack` with the stack file of `configFrom`, under the pack with `levels`' enforcement levels. */
async function previewWithPolicies(stack: string, configFrom: string, levels: string) {
    fs.copyFileSync(path.join(projectDir, `Pulumi.${configFrom}.yaml`), path.join(project.dir(), `Pulumi.${stack}.yaml`));
    const engine = await project.open(stack);
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
