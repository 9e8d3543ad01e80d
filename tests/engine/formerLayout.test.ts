import { execFile, execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * A stack deployed by the program as it was before its files moved into layers and its types
 * were renamed (commit `formerLayout`) updates with the program as it is now, with no resource
 * created, deleted or replaced: every renamed type keeps its resources through `aliases`, and
 * every moved provider takes over the resources the old one created.
 *
 * The former program runs from its own commit (`git archive`), against the same emulator and
 * state as the current one.
 */
jest.setTimeout(900_000);

/** The last commit of the layout before the layers (issue 21). */
const formerLayout = "5d8c13c9c03796beeed56fc736c6a54d037c9e77";

/** Resource types the program declares that it did not then: the only resources the update may create. */
const addedSince = ["pulumi-nodejs:dynamic/azureml:OnlineTrafficDrain"];

/** Types renamed since, with an alias to the former name: the same resources under their new type. */
const renamedSince: Record<string, string> = { "azureml-mlflow:model:MlflowModel": "azureml-mlflow:model:MlflowModelVersions" };

/** A resource by its own (current) type and name, whatever its parents' types (a renamed parent changes the URN). */
const ownKey = (resource: { urn: string; type: string }) => `${renamedSince[resource.type] ?? resource.type}::${resource.urn.split("::").pop()}`;

const project = engineProject("engine-former-layout");
let former = "";

beforeAll(() => {
    const listed = spawnSync("git", ["cat-file", "-e", `${formerLayout}^{commit}`], { cwd: projectDir });
    if (listed.status !== 0) {
        throw new Error(`this test needs the repository's history (commit ${formerLayout}); clone without --depth`);
    }
    former = fs.mkdtempSync(path.join(os.tmpdir(), "former-layout-"));
    execFileSync("bash", ["-c", `git archive ${formerLayout} | tar -x -C '${former}'`], { cwd: projectDir });
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(former, "node_modules"));
    fs.copyFileSync(path.join(projectDir, "Pulumi.dev.yaml"), path.join(project.dir(), "Pulumi.dev.yaml"));
});
afterAll(() => fs.rmSync(former, { recursive: true, force: true }));

it("a dev stack written by the former layout updates with no create, delete or replace", async () => {
    const engine = path.dirname(execFileSync("bash", [path.join(projectDir, "engine", "build.sh")], { encoding: "utf8" }).trim().split("\n").pop()!);
    // The former program with the project file it shipped with (keys declared since, such as
    // `platform`, would be config it does not know); the current one with today's.
    fs.copyFileSync(path.join(former, "Pulumi.yaml"), path.join(project.dir(), "Pulumi.yaml"));
    // Asynchronously: the emulator answers from this process while the former program runs.
    const formerUp = await promisify(execFile)(
        path.join(projectDir, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", path.join(former, "tests", "support", "engineUpProcess.ts"), project.dir(), "dev", "--running-emulator"],
        {
            cwd: former,
            maxBuffer: 64 * 1024 * 1024,
            env: { ...process.env, ...project.azure().engineEnvironment(), PATH: `${engine}${path.delimiter}${project.azure().engineEnvironment().PATH}` },
        },
    ).catch((err: { stdout?: string; stderr?: string; message: string }) => ({ stdout: err.stdout ?? "", stderr: `${err.message}\n${err.stderr ?? ""}` }));
    const report = JSON.parse(formerUp.stdout.trim().split("\n").pop() || "{}") as { error?: string; resources?: string[] };
    expect(report.error ?? (report.resources ? undefined : formerUp.stderr)).toBeUndefined();
    expect(report.resources).toContain("azureml-mlflow:model:MlflowModel");

    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(project.dir(), "Pulumi.yaml"));
    const dev = await project.open("dev");
    const formerResources = ((await dev.stack.exportStack()).deployment.resources ?? []) as { urn: string; type: string }[];
    const preview = await dev.preview();
    const planned = Object.keys(preview.changeSummary).filter((op) => !["same", "update", "create"].includes(op));
    expect(planned).toEqual([]);
    const up = await dev.up();
    const done = Object.keys(up.summary.resourceChanges ?? {}).filter((op) => !["same", "update", "create"].includes(op));
    expect(done).toEqual([]);

    const resources = ((await dev.stack.exportStack()).deployment.resources ?? []) as { urn: string; type: string }[];
    const formerKeys = new Set(formerResources.map(ownKey));
    const created = resources.filter((r) => !formerKeys.has(ownKey(r)));
    expect(created.filter((r) => !addedSince.includes(r.type)).map(ownKey)).toEqual([]);
    expect(up.summary.resourceChanges?.create ?? 0).toBe(created.length);
    const types = resources.map((r) => r.type);
    expect(types).toContain("azureml-mlflow:model:MlflowModelVersions");
    expect(types).not.toContain("azureml-mlflow:model:MlflowModel");
});
