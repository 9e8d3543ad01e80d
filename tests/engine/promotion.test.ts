import { execFile } from "child_process";
import * as fs from "fs";
import { promisify } from "util";
import * as path from "path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { promoteFromStacks } from "../../tools/promote/cli";
import { writeDevStack } from "../support/devStack";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * Promotion of the exact model dev tested, through the real engine, with both stacks in one team
 * backend (Azure Blob Storage served by Azurite): dev deployed and smoke-tested; `promote` copies
 * its versions into the registry prod declares, byte for byte, once; prod switched to the registry's
 * versions changes its deployments only and passes its smoke test; a version dev never served is
 * refused before anything changes; other files under a promoted number are refused.
 */
jest.setTimeout(1_200_000);

const project = engineProject("engine-promotion", { teamBackend: true });
const registry = "mlflowplatreg";
const asset = (version: number) => `azureml://registries/${registry}/models/diabetes-classifier/versions/${version}`;

type Change = (config: Record<string, any>) => void;

/** The committed prod stack, declaring the registry, without its slow rollout, changed by `change`. */
function writeProdStack(change: Change = () => undefined): void {
    const document = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
    const own = Object.fromEntries(Object.entries(document.config).map(([k, v]) => [k.replace(/^azureml-mlflow:/, ""), v]));
    delete own.batchEndpoint;
    own.onlineEndpoint.rollout = undefined;
    own.registry = { name: registry, locations: ["westeurope", "northeurope"] };
    change(own);
    const config = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined).map(([k, v]) => [k.includes(":") ? k : `azureml-mlflow:${k}`, v]));
    fs.writeFileSync(path.join(project.dir(), "Pulumi.prod.yaml"), toYaml({ config }));
}

/** Prod serving the registry's versions, promoted from dev. */
const fromRegistry: Change = (c) => {
    c.promotion = { fromStack: "dev" };
    c.onlineEndpoint.deployments.find((d: { name: string }) => d.name === "blue").model = asset(1);
    c.onlineEndpoint.deployments.find((d: { name: string }) => d.name === "green").model = asset(2);
};

/** `npm run promote` as the workflow runs it, against the team backend and the local Azure. */
async function promote(model: string, from = "dev") {
    const lines: string[] = [];
    // The command calls Azure itself, with the credential the engine's plugins use.
    Object.assign(process.env, project.azure().engineEnvironment());
    const env = { ...process.env, PULUMI_BACKEND_URL: project.teamBackend().backendUrl, ...project.teamBackend().environment(), PULUMI_CONFIG_PASSPHRASE: "local-emulator-passphrase" };
    const result = await promoteFromStacks({ projectDir: project.dir(), model, from, to: "prod", env, progress: (line) => lines.push(line) });
    return { ...result, lines };
}

const nonGetRequests = () => project.azure().arm.requests.filter((r) => r.method !== "GET").length;

/** A preview of prod in a process of its own (a failing program takes the SDK's path for a user, which jest would report as its own failure). */
async function previewInOwnProcess(): Promise<{ error?: string }> {
    const { stdout } = await promisify(execFile)(
        path.join(projectDir, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", path.join(projectDir, "tests", "support", "engineUpProcess.ts"), project.dir(), "prod", "--running-emulator", "--preview"],
        {
            cwd: projectDir,
            env: { ...process.env, ...project.azure().engineEnvironment(), ...project.teamBackend().environment(), ENGINE_TEST_BACKEND_URL: project.teamBackend().backendUrl },
            maxBuffer: 16 * 1024 * 1024,
        },
    );
    return JSON.parse(stdout.trim().split("\n").pop()!);
}

it("promotes what dev served and smoke-tested into the registry prod declares, byte for byte, once", async () => {
    await project.given("dev", () => writeDevStack(project.dir(), () => undefined));
    await project.given("prod", () => writeProdStack());
    const first = await promote("diabetes-classifier:2");
    expect([first.copied, first.assetId]).toEqual([true, asset(2)]);
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const again = await promote("diabetes-classifier:2");
    expect([again.copied, again.contentHash]).toEqual([false, first.contentHash]);
    expect((await promote("diabetes-classifier:1")).copied).toBe(true);
    // State and locks of both stacks are in the team backend.
    const blobs = await project.teamBackend().listBlobs(".pulumi/stacks/");
    expect(blobs).toEqual(expect.arrayContaining([".pulumi/stacks/azureml-mlflow/dev.json", ".pulumi/stacks/azureml-mlflow/prod.json"]));
});

it("refuses a version dev did not verify, and other files under a number the registry holds", async () => {
    await expect(promote("diabetes-classifier:7")).rejects.toThrow(/dev's last passing smoke test did not cover diabetes-classifier:7/);
    // A second source whose version 2 is other files: the registry's version 2 is immutable.
    await project.given("dev2", () => {
        writeDevStack(project.dir(), (c) => {
            c.prefix = "mlflowdv2";
            c.models[1].path = "models/diabetes-sklearn13";
        });
        fs.renameSync(path.join(project.dir(), "Pulumi.dev.yaml"), path.join(project.dir(), "Pulumi.dev2.yaml"));
        writeDevStack(project.dir(), () => undefined);
    });
    await expect(promote("diabetes-classifier:2", "dev2")).rejects.toThrow(/already exists with other files/);
});

it("prod switched to the registry's versions previews and changes its deployments only, and its smoke test passes", async () => {
    await project.given("prod", () => writeProdStack());
    writeProdStack(fromRegistry);
    const prod = await project.open("prod");
    const preview = await prod.preview();
    const planned = Object.entries(preview.changeSummary).filter(([op, n]) => op !== "same" && (n ?? 0) > 0);
    expect(planned.map(([op]) => op).sort()).toEqual(["update"]);
    expect(preview.stdout).not.toMatch(/storage:Blob|ModelVersion|ModelContainer/);
    const up = await prod.up();
    expect(up.outputs.smokeTest.value.passed).toBe(true);
    const greenPut = project.azure().arm.requests.filter((r) => r.method === "PUT" && /\/onlineEndpoints\/[^/]+\/deployments\/green$/i.test(r.path)).pop()!;
    expect(greenPut.body.properties.model).toBe(asset(2));
    await (await project.open("prod")).preview({ expectNoChanges: true });
});

it("refuses before anything changes a prod deployment of a registry version dev never served", async () => {
    await project.given("prod", () => writeProdStack(fromRegistry));
    writeProdStack((c) => {
        fromRegistry(c);
        c.onlineEndpoint.deployments.find((d: { name: string }) => d.name === "green").model = asset(3);
    });
    const before = nonGetRequests();
    const { error } = await previewInOwnProcess();
    expect(error).toMatch(/Pulumi\.prod\.yaml/);
    expect(error).toMatch(/diabetes-classifier:3 was never served and smoke-tested by dev/);
    expect(nonGetRequests()).toBe(before);
});
