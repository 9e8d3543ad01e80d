import { execFile } from "child_process";
import * as fs from "fs";
import { promisify } from "util";
import * as os from "os";
import * as path from "path";
import { committedQuotaFile } from "../../emulator/quota/regionalQuota";
import { previewForComment } from "../../tools/previewComment/enginePreview";
import { commentMarker, previewComment } from "../../tools/previewComment/markdown";
import { writeDevStack } from "../support/devStack";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * The preflight through the real engine against the local Azure: a stack whose deployments go
 * over the quota fixture fails `preview` with Azure's numbers before anything is created, and
 * passes once the fixture's limit is raised; its plan, quota and cost show in the engine's own
 * preview output; and the PR comment (tools/previewComment/) renders the engine's preview of real
 * changes to a deployed stack: a traffic change, a new model version, a new deployment.
 */
jest.setTimeout(900_000);

const quotaDir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-quota-"));
const quotaFile = path.join(quotaDir, "quota.json");
afterAll(() => fs.rmSync(quotaDir, { recursive: true, force: true }));

/** The committed fixture with the DSv2 family's limit (other workloads use 8 of it). */
function dsv2Limit(limit: number): void {
    const fixture = JSON.parse(fs.readFileSync(committedQuotaFile, "utf8"));
    fixture.default.dedicated.standardDSv2Family = limit;
    fs.writeFileSync(quotaFile, JSON.stringify(fixture));
}
dsv2Limit(64);

const project = engineProject("engine-preflight", { quotaFile });

/**
 * `pulumi preview` in a process of its own against this test's local Azure: a program that fails
 * takes the path it takes for a user (in a jest worker its error would fail the test instead).
 */
async function previewInOwnProcess(): Promise<{ error?: string }> {
    const { stdout } = await promisify(execFile)(
        path.join(projectDir, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", path.join(projectDir, "tests", "support", "engineUpProcess.ts"), project.dir(), "dev", "--running-emulator", "--preview"],
        { cwd: projectDir, env: { ...process.env, ...project.azure().engineEnvironment() }, maxBuffer: 16 << 20 },
    );
    return JSON.parse(stdout.trim().split("\n").pop()!);
}

type Change = (config: Record<string, any>) => void;
/** Dev without the smoke test (the comment is about the preview): blue serving, green waiting at 0%. */
const base: Change = (c) => {
    c.smokeTest.enabled = false;
    c.onlineEndpoint.traffic = { blue: 100, green: 0 };
    c.onlineEndpoint.mirrorTraffic = {};
    c.onlineEndpoint.rollout = { steps: [5], stepSeconds: 30, minRequests: 5 };
};
const write = (change: Change) =>
    writeDevStack(project.dir(), (c) => {
        base(c);
        change(c);
    });

describe("quota", () => {
    const bigGreen: Change = (c) => Object.assign(c.onlineEndpoint.deployments[1], { instanceType: "Standard_DS3_v2", instanceCount: 3 });

    it("a stack over the fixture's quota fails preview with Azure's numbers, before anything is created", async () => {
        dsv2Limit(20);
        write(bigGreen);
        const puts = () => project.azure().arm.operations.filter((o) => o.method === "PUT").length;
        const before = puts();
        const { error } = await previewInOwnProcess();
        expect(error).toContain("the preflight found 1 problem Azure would fail the update on; nothing was changed");
        // Blue (1 x DS2_v2) holds 2 x 2 = 4 of 20 with 8 in use; green's 3 x DS3_v2 needs 4 x 4 = 16 more.
        expect(error).toMatch(/error \(quota\) onlineEndpoint\.deployments\[1\]\.instanceCount = 3: deployment green needs 16 vCPUs/);
        expect(error).toContain("Current usage/limit: 12/20. Additional needed: 16");
        expect(puts()).toBe(before);
    });

    it("raising the quota in the fixture makes the same preview pass, with the plan, quota and cost in the engine's own output", async () => {
        dsv2Limit(64);
        write(bigGreen);
        const preview = await (await project.open("dev")).preview();
        expect(preview.stdout).toContain("preflight of Pulumi.dev.yaml (westeurope):");
        expect(preview.stdout).toContain("traffic of endpoint diabetes: from no endpoint yet, in one step");
        expect(preview.stdout).toContain("quota Standard DSv2 Family Cluster Dedicated vCPUs: 8 in use + 20 for this update = 28 of 64");
        expect(preview.stdout).toMatch(/cost a month \(westeurope list prices, [0-9-]+\): 0\.00 USD now -> /);
        expect(preview.stdout).toContain("findings: none");
    });
});

describe("no-code compatibility", () => {
    it("flags a model with an MLflow 3 pin in the engine's preview, with the row of the compatibility table", async () => {
        dsv2Limit(64);
        // diabetes-v2 with its MLflow pins at 3.1.0, as a model saved by MLflow 3.1 lists them.
        write((c) => (c.models[1].path = "tests/fixtures/models/diabetes-mlflow3"));
        const preview = await (await project.open("dev")).preview();
        expect(preview.stdout).toMatch(
            /warning: Pulumi\.dev\.yaml: warning \(compatibility\) models\[1\]\.path = "tests\/fixtures\/models\/diabetes-mlflow3": diabetes-classifier:2 \(conda\.yaml\): mlflow==3\.1\.0; MLflow 3\.x: .* \[NC7 mlflow-3\]/,
        );
        // A warning: the preview goes on.
        expect(preview.stdout).toMatch(/Resources:/);
    });
});

describe("the PR comment, rendered from the engine's preview of real changes", () => {
    const given = () => project.given("dev", () => write(() => undefined));
    const comment = async (change: Change) => {
        write(change);
        const result = await previewForComment(await project.open("dev"), "dev");
        const markdown = previewComment(result);
        process.stdout.write(`${markdown}\n`);
        return { result, markdown };
    };

    it("a traffic change: the rollout's stages, no cost change", async () => {
        await given();
        const { result, markdown } = await comment((c) => (c.onlineEndpoint.traffic = { blue: 50, green: 50 }));
        expect(result.failure).toBeUndefined();
        expect(markdown.startsWith(commentMarker("dev"))).toBe(true);
        expect(result.steps).toContainEqual(expect.objectContaining({ op: "update", name: "online-diabetes-traffic", keys: expect.arrayContaining(["settings"]) }));
        expect(result.report?.rollout).toMatchObject({ mode: "progressive", canary: "green", baseline: "blue", live: { traffic: { blue: 100 }, mirrorTraffic: {} } });
        expect(markdown).toContain("| 1. step 5% | blue 95%, green 5% | - | 30 s |");
        expect(markdown).toContain("| 2. declared 50% | blue 50%, green 50% | - | 30 s |");
        expect(markdown).toContain("**203.63 USD now → 203.63 USD (+0.00 USD)**");
    });

    it("a new model version: the version is created and the deployment serving it updated", async () => {
        await given();
        const { result, markdown } = await comment((c) => {
            c.models.push({ name: "diabetes-classifier", version: 3, path: "models/diabetes-v2", description: "green, registered again" });
            c.onlineEndpoint.deployments[1].model = "diabetes-classifier:3";
        });
        expect(result.failure).toBeUndefined();
        expect(result.steps).toContainEqual(expect.objectContaining({ op: "create", type: "azure-native:machinelearningservices:ModelVersion" }));
        expect(result.steps).toContainEqual(expect.objectContaining({ op: "update", type: "azure-native:machinelearningservices:OnlineDeployment", name: "online-diabetes-green" }));
        expect(markdown).toMatch(/\| `\+` \| models-diabetes-classifier-v3-[0-9a-f]+ \| `azure-native:machinelearningservices:ModelVersion` \|/);
        expect(markdown).toContain("Endpoint `diabetes`: unchanged (live blue 100%).");
    });

    it("a new deployment taking a share of traffic: its cost, the quota it adds, and the stages", async () => {
        await given();
        const { result, markdown } = await comment((c) => {
            c.onlineEndpoint.deployments.push({ name: "canary", model: "diabetes-classifier:2", instanceType: "Standard_DS2_v2", instanceCount: 1 });
            c.onlineEndpoint.traffic = { blue: 90, green: 0, canary: 10 };
        });
        expect(result.failure).toBeUndefined();
        expect(result.steps).toContainEqual(expect.objectContaining({ op: "create", type: "azure-native:machinelearningservices:OnlineDeployment", name: "online-diabetes-canary" }));
        expect(markdown).toContain("| online deployment canary | 1 x Standard_DS2_v2 | - | 99.28 USD | +99.28 USD |");
        expect(markdown).toContain("**203.63 USD now → 302.91 USD (+99.28 USD)**");
        expect(markdown).toContain("progressive rollout of **canary** against **blue**");
        expect(markdown).toContain("| 1. step 5% | blue 95%, canary 5% | - | 30 s |");
        // Blue and green hold 4 vCPUs each already (in use: 8 + 8); canary adds 4.
        expect(markdown).toContain("| Standard DSv2 Family Cluster Dedicated vCPUs | 16 | 4 | 20 | 64 |");
        expect(markdown).toContain("✅ no findings");
    });
});
