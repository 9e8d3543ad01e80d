import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { EngineStack } from "../../tools/engine/engineStack";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * The claims that matter most to a user, proven by the real engine running the program against
 * the emulator: up from nothing with no secret in plaintext in the state, no diff on a re-run, a
 * traffic change that updates only what it must, an endpoint tag change that never leaves the
 * endpoint without live traffic, a deployment removed in one up. Slow (several engine runs).
 */
jest.setTimeout(900_000);

const project = engineProject("engine-scenarios");
const stateDir = () => path.join(project.dir(), "state");

type Change = (config: Record<string, any>) => void;

/** Writes dev's committed config with a change as the stack file the engine reads. */
function writeDev(change: Change = () => undefined): void {
    const document = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
    const own = Object.fromEntries(Object.entries(document.config).map(([k, v]) => [k.replace(/^azureml-mlflow:/, ""), v]));
    change(own);
    const config = Object.fromEntries(Object.entries(own).map(([k, v]) => [k.includes(":") ? k : `azureml-mlflow:${k}`, v]));
    fs.writeFileSync(path.join(project.dir(), "Pulumi.dev.yaml"), toYaml({ config }));
}

/** Dev's committed config with a change, as the stack file the engine reads. */
function devWith(change: Change = () => undefined): Promise<EngineStack> {
    writeDev(change);
    return project.open("dev");
}

/** Where each scenario starts, in the order they build on each other. */
const fiftyFifty: Change = (c) => {
    c.onlineEndpoint.traffic = { blue: 50, green: 50 };
    c.onlineEndpoint.mirrorTraffic = {};
};
const tagged: Change = (c) => {
    fiftyFifty(c);
    c.tags = { ...c.tags, costCenter: "42" };
};
const withoutGreen: Change = (c) => {
    c.onlineEndpoint.deployments = c.onlineEndpoint.deployments.filter((d: { name: string }) => d.name !== "green");
    c.onlineEndpoint.traffic = { blue: 100 };
    c.onlineEndpoint.mirrorTraffic = {};
    c.tags = { ...c.tags, costCenter: "42" };
};
const given = (change: Change = () => undefined) => project.given("dev", () => writeDev(change));

const endpointTraffic = () => project.azure().arm.trafficTimeline.filter((m) => /\/onlineEndpoints\//i.test(m.endpoint));
const liveTotal = (traffic: Record<string, number>) => Object.values(traffic).reduce((a, b) => a + b, 0);

it("a. up from nothing: every resource created, the smoke test passed inside it, no key or token in plaintext in the state", async () => {
    const up = await (await devWith()).up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.smokeTest.value).toMatchObject({ passed: true });
    const endpointId = up.outputs.onlineEndpointId.value as string;
    const credentials = project.azure().arm.endpointCredentials(endpointId);
    const state = fs.readdirSync(stateDir(), { recursive: true }).map(String).filter((f) => f.endsWith(".json"));
    const text = state.map((f) => fs.readFileSync(path.join(stateDir(), f), "utf8")).join("\n");
    expect(text.length).toBeGreaterThan(10_000);
    for (const secret of [credentials.primaryKey, credentials.secondaryKey, credentials.amlToken, project.azure().engineEnvironment().AZUREML_EMULATOR_TOKEN]) {
        expect(text).not.toContain(secret);
    }
    expect(text).toContain("4dabf18193072939515e22adb298388d"); // the key is there, as a secret
});

it("b. a preview right after up shows no changes", async () => {
    await given();
    const preview = await (await devWith()).preview({ expectNoChanges: true });
    expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
});

it("c. traffic 100/0 to 50/50 updates the traffic resource and what fingerprints it, replaces nothing", async () => {
    await given();
    const stack = await devWith(fiftyFifty);
    const preview = await stack.preview({ diff: true });
    expect(preview.changeSummary).not.toHaveProperty("replace");
    expect(preview.changeSummary).not.toHaveProperty("delete");
    expect(preview.stdout).toMatch(/~ .*pulumi-nodejs:dynamic\/azureml:OnlineEndpointTraffic/);
    expect(preview.stdout).not.toMatch(/~ .*OnlineDeployment/);
    await stack.up();
    expect(endpointTraffic().pop()).toMatchObject({ traffic: { blue: 50, green: 50 }, mirrorTraffic: {} });
});

it("d. a tag changed on the endpoint: live traffic at every moment of the update", async () => {
    await given(fiftyFifty);
    const before = endpointTraffic().length;
    await (await devWith(tagged)).up();
    const during = endpointTraffic().slice(before);
    expect(during.length).toBeGreaterThan(0);
    for (const moment of during) expect(liveTotal(moment.traffic)).toBe(100);
});

/** A step of `preview --diff` output: its sign, an azure-native ML type, the operation, the resource's name. */
function step(sign: string, type: string, operation: string, name: string): RegExp {
    // An existing resource's step shows its [id=...] before its [urn=...].
    return new RegExp(`${sign} azure-native:machinelearningservices:${type}: \\(${operation}\\)\\s*\\n(?:\\s*\\[id=[^\\]]*\\]\\s*\\n)?\\s*\\[urn=[^\\]]*::${name}`);
}

/** A copy of dev's v2 model folder in the scratch space, changed by `change`. */
function modelCopy(name: string, change: (dir: string) => void): string {
    const dir = path.join(project.dir(), name);
    fs.cpSync(path.join(projectDir, "models", "diabetes-v2"), dir, { recursive: true });
    change(dir);
    return dir;
}

/** Dev at 50/50 with green serving a model version of its own (version 3, 4, ...). */
const greenModel =
    (version: number, dir: string): Change =>
    (c) => {
        c.models = [...c.models, { name: "diabetes-classifier", version, path: dir, description: `green, version ${version}` }];
        c.onlineEndpoint.deployments.find((d: { name: string }) => d.name === "green").model = `diabetes-classifier:${version}`;
        tagged(c);
    };
const devWithGreenModel = (version: number, dir: string) => devWith(greenModel(version, dir));

/** Green's model retrained (version 3): the files of v2 with one line more. */
const retrained = () => modelCopy("model-v3", (dir) => fs.appendFileSync(path.join(dir, "MLmodel"), "# retrained\n"));

it("f. green's model files changed: a new version registered, the old one kept, green updated, blue untouched", async () => {
    await given(tagged);
    const stack = await devWithGreenModel(3, retrained());
    const preview = await stack.preview({ diff: true });
    expect(preview.stdout).toMatch(step("\\+", "ModelVersion", "create", "models-diabetes-classifier-v3-"));
    expect(preview.stdout).toMatch(step("~", "OnlineDeployment", "update", "online-diabetes-green"));
    expect(preview.stdout).not.toMatch(step("[-+~]", "OnlineDeployment", "[a-z]+", "online-diabetes-blue"));
    expect(preview.stdout).not.toMatch(step("-", "ModelVersion", "delete", "models-diabetes-classifier-v2-"));
    const up = await stack.up();
    const versions = up.outputs.modelVersions.value as Record<string, string>;
    expect(Object.keys(versions).sort()).toEqual(["diabetes-classifier:1", "diabetes-classifier:2", "diabetes-classifier:3"]);
    for (const id of Object.values(versions)) expect(project.azure().arm.resource(id)).toBeDefined();
});

it("i. a deployment whose model cannot load fails the up with the server's reason, and live traffic stays where it was", async () => {
    await given(greenModel(3, retrained()));
    const broken = modelCopy("model-v4", (dir) => fs.writeFileSync(path.join(dir, "model.pkl"), "this is not a pickle"));
    const before = endpointTraffic().at(-1)!;
    const failure = await (await devWithGreenModel(4, broken)).up().catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toMatch(/deployment green failed to start: the inference server for green exited/);
    expect(String((failure as Error).message)).toMatch(/pickle|Unpickling|load/i);
    expect(endpointTraffic().at(-1)).toEqual(before);
    expect(liveTotal(before.traffic)).toBe(100);
});

it("e. green removed from config: one up takes its traffic away and deletes it, with no refusal", async () => {
    // In file order, from where the failed up of i left the stack.
    await given(greenModel(3, retrained()));
    const up = await (await devWith(withoutGreen)).up();
    expect(up.stdout).toMatch(/- {2}azure-native:machinelearningservices:OnlineDeployment online-diabetes-green deleted/);
    expect(project.azure().arm.operations.filter((o) => o.status === "Refused")).toEqual([]);
    const endpoint = up.outputs.onlineEndpointId.value as string;
    expect(project.azure().arm.resource(`${endpoint}/deployments/green`)).toBeUndefined();
});

it("h. destroy on dev succeeds and leaves the retained model versions behind", async () => {
    await given(withoutGreen);
    const stack = await devWith(withoutGreen);
    const versions = () => project.azure().arm.operations.filter((o) => /\/models\/[^/]+\/versions\//.test(o.id) && o.method === "DELETE");
    await stack.destroy();
    expect(versions()).toEqual([]);
});
