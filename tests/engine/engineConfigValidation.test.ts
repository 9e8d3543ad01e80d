import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify as toYaml } from "yaml";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { programConfig } from "../../program/programConfig";
import { engineEnvironment } from "../../tools/engine/engineEnvironment";
import { pinnedPulumiCli } from "../../tools/engine/pulumiCli";
import { committedStacks, projectDir, projectName } from "../support/stackFile";

/**
 * The Pulumi engine's own validation of each stack's configuration against Pulumi.yaml (required
 * keys, declared types), which no in-process mock performs. Each stack is previewed by the real
 * CLI with an inline program that reads and checks the configuration as the program does, so a
 * preview that succeeds got past both the engine's checks and the program's.
 *
 * The project files are copied to a scratch folder: the engine writes an encryption salt into the
 * stack file it uses, and committed files must not change under a test.
 */
jest.setTimeout(180_000);

let scratch: string;
beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-config-"));
    fs.mkdirSync(path.join(scratch, "state"));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function previewThroughEngine(stack: string, stackFileText: string): Promise<{ ok: true } | { ok: false; error: string }> {
    const workDir = fs.mkdtempSync(path.join(scratch, `${stack}-`));
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(workDir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(workDir, `Pulumi.${stack}.yaml`), stackFileText);
    const pulumiCommand = await pinnedPulumiCli();
    const workspace = await LocalWorkspace.create({
        workDir,
        pulumiCommand,
        envVars: engineEnvironment(path.join(scratch, "state"), "config-validation"),
    });
    const created = await LocalWorkspace.createOrSelectStack(
        {
            stackName: stack,
            projectName,
            // Model folders in the config resolve against the working directory: the project's.
            program: async () => {
                programConfig();
                return {};
            },
        },
        { workDir, pulumiCommand, envVars: workspace.envVars },
    );
    try {
        await created.preview();
        return { ok: true };
    } catch (err) {
        return { ok: false, error: String((err as Error).message) };
    }
}

const minimalStack = {
    config: {
        [`${projectName}:location`]: "westeurope",
        [`${projectName}:prefix`]: "mini",
        [`${projectName}:computeCluster`]: { name: "cpu", maxNodes: 1 },
        [`${projectName}:models`]: [{ name: "m", version: 1, path: "models/diabetes-v1" }],
    },
};

describe("the Pulumi engine's configuration checks", () => {
    it.each(committedStacks)("accepts the committed %s stack", async (stack) => {
        const text = fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8");
        await expect(previewThroughEngine(stack, text)).resolves.toEqual({ ok: true });
    });

    it("accepts a stack that sets only the required keys", async () => {
        await expect(previewThroughEngine("minimal", toYaml(minimalStack))).resolves.toEqual({ ok: true });
    });

    it("refuses a stack without a required key, naming it", async () => {
        const withoutModels = structuredClone(minimalStack) as { config: Record<string, unknown> };
        delete withoutModels.config[`${projectName}:models`];
        const result = await previewThroughEngine("nomodels", toYaml(withoutModels));
        expect(result).toEqual({ ok: false, error: expect.stringContaining("Stack 'nomodels' is missing configuration value 'models'") });
    });
});
