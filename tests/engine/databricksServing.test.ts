import * as fs from "fs";
import * as path from "path";
import axios from "axios";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { EngineStack } from "../../tools/engine/engineStack";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * The Databricks stack through the real engine, against the local Azure and its local Databricks:
 * a new green rolled out in steps judged on the endpoint's metrics, a failing model rolled back at
 * its first step, a wrong one stopped by the direct probe before any traffic, routes changed by hand
 * showing on the next preview, and a config update that meets another one in progress waiting for it.
 * Routes are read from the local Databricks' timeline: every change of the live config.
 */
jest.setTimeout(1_200_000);

const project = engineProject("engine-databricks");
const stack = "databricks-dev";

type Change = (config: Record<string, any>) => void;

/** The committed Databricks stack with `change`, written to the scratch project; model paths made absolute. */
function writeStack(change: Change): void {
    const document = parseYaml(fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
    const own = Object.fromEntries(Object.entries(document.config).map(([k, v]) => [k.replace(/^azureml-mlflow:/, ""), v]));
    for (const model of own.models) model.path = path.join(projectDir, model.path);
    own.smokeTest.requestFile = path.join(projectDir, own.smokeTest.requestFile);
    change(own);
    const config = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined).map(([k, v]) => [k.includes(":") ? k : `azureml-mlflow:${k}`, v]));
    fs.writeFileSync(path.join(project.dir(), `Pulumi.${stack}.yaml`), toYaml({ config }));
}

const fixture = (name: string) => path.join(projectDir, "tests", "fixtures", "models", name);

/** A rollout quick enough for a test: one 10% step, 5 s windows, judged on 5 requests of synthetic load. */
const quickRollout = { steps: [10], stepSeconds: 5, minRequests: 5, loadRequestsPerSecond: 4, maxErrorRate: 0, metricsDelaySeconds: 0 };

const blueOnly: Change = (c) => {
    c.databricks.servingEndpoint.rollout = quickRollout;
};
const greenAtHalf: Change = (c) => {
    blueOnly(c);
    c.databricks.servingEndpoint.routes = { blue: 50, green: 50 };
};
/** Green's model becomes one whose predict raises (MLflow's scoring server answers 400), with no probe to stop it first. */
const greenFailing: Change = (c) => {
    greenAtHalf(c);
    c.models.push({ name: "Penguin Predictor", version: 3, path: fixture("penguins-failing") });
    c.databricks.servingEndpoint.servedEntities.find((e: { name: string }) => e.name === "green").model = "Penguin Predictor:3";
    c.smokeTest.enabled = false;
};
/** Green's model becomes one that answers a class outside the allowed ones; the smoke test is on. */
const greenWrong: Change = (c) => {
    greenAtHalf(c);
    c.models.push({ name: "Penguin Predictor", version: 3, path: fixture("penguins-failing") });
    c.models.push({ name: "Penguin Predictor", version: 4, path: fixture("penguins-wrong") });
    c.databricks.servingEndpoint.servedEntities.find((e: { name: string }) => e.name === "green").model = "Penguin Predictor:4";
};

async function withStack(change: Change): Promise<EngineStack> {
    writeStack(change);
    return project.open(stack);
}

const moments = () => project.azure().databricks.trafficTimeline.filter((m) => m.endpoint === "predict-penguin");
const routesNow = () => moments().at(-1)!.routes;
/** The highest route green had while serving `version`, from `since` on. */
const greenMax = (version: string, since: number) =>
    Math.max(0, ...moments().filter((m) => m.at >= since && m.entities.green?.entity_version === version).map((m) => m.routes.green ?? 0));

async function failureOf(run: Promise<unknown>): Promise<Error> {
    return (await run.then(
        () => new Error("up succeeded"),
        (err: Error) => err,
    )) as Error;
}

it("rolls green from 0% to 50% in watched steps (10%, then 50%), never leaving the endpoint without a ready entity", async () => {
    await project.given(stack, () => writeStack(blueOnly));
    expect(routesNow()).toEqual({ blue: 100, green: 0 });
    const since = Date.now();
    const lines: string[] = [];
    const up = await (await withStack(greenAtHalf)).up({ onOutput: (text) => lines.push(text) });
    const steps = moments().filter((m) => m.at >= since).map((m) => m.routes.green ?? 0);
    expect(steps).toEqual([10, 50]);
    expect(up.outputs.lastRollout.value[0]).toMatch(/^rollout of green \(baseline blue\): promoted/);
    // Every moment of the run had a config with ready entities whose routes sum to 100.
    for (const moment of moments()) expect(Object.values(moment.routes).reduce((a, b) => a + b, 0)).toBe(100);
    await (await project.open(stack)).preview({ expectNoChanges: true });
});

it("rolls a failing green back at its first step: the routes go back to blue, and green never had more than 10% while failing", async () => {
    await project.given(stack, () => writeStack(greenAtHalf));
    const since = Date.now();
    const failure = await failureOf((await withStack(greenFailing)).up());
    expect(failure.message).toMatch(/progressive rollout failed; routes restored/);
    expect(routesNow()).toEqual({ blue: 100, green: 0 });
    expect(greenMax("3", since)).toBe(10);
    // The endpoint now serves other routes than declared: the next preview shows it.
    const preview = await (await project.open(stack)).preview();
    expect(preview.changeSummary.update).toBeGreaterThanOrEqual(1);
});

it("stops a green that answers wrong with the direct probe, before any traffic, and puts back the config that served", async () => {
    await project.given(stack, () => writeStack(greenAtHalf));
    const before = moments().at(-1)!;
    const since = Date.now();
    const failure = await failureOf((await withStack(greenWrong)).up());
    expect(failure.message).toMatch(/green answered the smoke request wrong before any traffic reached them; the config that served before is back/);
    expect(failure.message).toMatch(/outside the allowed set \[0,1,2\]/);
    expect(greenMax("4", since)).toBe(0);
    const after = moments().at(-1)!;
    expect([after.routes, after.entities.green.entity_version]).toEqual([before.routes, before.entities.green.entity_version]);
});

it("shows routes changed by hand in the workspace on the next preview, and the next up puts the declared ones back", async () => {
    await project.given(stack, () => writeStack(greenAtHalf));
    const databricks = project.azure().databricks;
    const workspaceUrl = moments().at(-1)!.workspace;
    const base = databricks.baseUrl(workspaceUrl);
    const auth = { Authorization: `Bearer ${databricks.token}` };
    const endpoint = (await axios.get(`${base}/api/2.0/serving-endpoints/predict-penguin`, { headers: auth })).data;
    const config = {
        served_entities: endpoint.config.served_entities.map((e: Record<string, unknown>) => ({ name: e.name, entity_name: e.entity_name, entity_version: e.entity_version, workload_size: e.workload_size, scale_to_zero_enabled: e.scale_to_zero_enabled })),
        traffic_config: { routes: [{ served_model_name: "blue", traffic_percentage: 20 }, { served_model_name: "green", traffic_percentage: 80 }] },
    };
    await axios.put(`${base}/api/2.0/serving-endpoints/predict-penguin/config`, config, { headers: auth });
    await waitUntil(() => databricks.endpointState(workspaceUrl, "predict-penguin")?.configUpdate !== "IN_PROGRESS");
    expect(routesNow()).toEqual({ blue: 20, green: 80 });

    const preview = await (await project.open(stack)).preview({ diff: true });
    // The config resource, and the smoke test that reads what it applies.
    expect(preview.changeSummary.update).toBeGreaterThanOrEqual(1);
    expect(preview.stdout).toMatch(/~ +pulumi-nodejs:dynamic\/databricks:ServingEndpointConfig/);
    await (await project.open(stack)).up();
    expect(routesNow()).toEqual({ blue: 50, green: 50 });
    await (await project.open(stack)).preview({ expectNoChanges: true });
});

it("waits for a config update in progress (Databricks takes one at a time) instead of failing", async () => {
    await project.given(stack, () => writeStack(greenAtHalf));
    const databricks = project.azure().databricks;
    const workspaceUrl = moments().at(-1)!.workspace;
    const base = databricks.baseUrl(workspaceUrl);
    const auth = { Authorization: `Bearer ${databricks.token}` };
    // Someone else's update (the same config) that takes 15 s.
    databricks.slowNextUpdate(workspaceUrl, "predict-penguin", 15_000);
    const endpoint = (await axios.get(`${base}/api/2.0/serving-endpoints/predict-penguin`, { headers: auth })).data;
    await axios.put(`${base}/api/2.0/serving-endpoints/predict-penguin/config`, { served_entities: endpoint.config.served_entities, traffic_config: endpoint.config.traffic_config }, { headers: auth });
    expect(databricks.endpointState(workspaceUrl, "predict-penguin")?.configUpdate).toBe("IN_PROGRESS");
    const lines: string[] = [];
    const change: Change = (c) => {
        greenAtHalf(c);
        c.databricks.servingEndpoint.rollout = undefined;
        c.databricks.servingEndpoint.routes = { blue: 70, green: 30 };
    };
    await (await withStack(change)).up({ onOutput: (text) => lines.push(text) });
    expect(lines.join("")).toMatch(/config update in progress; waiting/);
    expect(routesNow()).toEqual({ blue: 70, green: 30 });
});

async function waitUntil(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > end) throw new Error("timed out");
        await new Promise((r) => setTimeout(r, 200));
    }
}
