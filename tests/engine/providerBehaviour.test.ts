import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { EngineStack } from "../../tools/engine/engineStack";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * The product keeps its promises under what the real azure-native provider does (the stand-in
 * behaves as it, see tests/engine/azureNativeFidelity.test.ts): an upgrade of @pulumi/azure-native
 * that moves every ML type's API version, a refresh, a renamed endpoint, an auth mode changed on a
 * live endpoint, a deployment that fails to provision, a storm of transient answers. Each one is
 * judged on the emulator's timeline of ARM operations and live traffic. Slow (many engine runs).
 */
jest.setTimeout(900_000);

const project = engineProject("engine-provider-behaviour");

type Change = (config: Record<string, any>) => void;
const committed: Change = () => undefined;

/** Writes dev's committed config with a change as the stack file the engine reads. */
function writeDev(change: Change): void {
    const document = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
    const own = Object.fromEntries(Object.entries(document.config).map(([k, v]) => [k.replace(/^azureml-mlflow:/, ""), v]));
    change(own);
    const config = Object.fromEntries(Object.entries(own).map(([k, v]) => [k.includes(":") ? k : `azureml-mlflow:${k}`, v]));
    fs.writeFileSync(path.join(project.dir(), "Pulumi.dev.yaml"), toYaml({ config }));
}

/** The plugins' environment under a release of azure-native (default: the pinned one). */
const underRelease = (release?: string): Record<string, string> => (release ? { AZURE_NATIVE_EMULATED_RELEASE: release } : {});

/** Dev's committed config with a change, as the stack file the engine reads, under a release of azure-native. */
function devWith(change: Change = committed, release?: string): Promise<EngineStack> {
    writeDev(change);
    return project.open("dev", underRelease(release));
}

/** Where a scenario starts: deployed first unless the scenario before left the stack there. */
const given = (change: Change, release?: string) => project.given("dev", () => writeDev(change), underRelease(release));

/**
 * A preview of dev with a change, in a process of its own (a preview the engine fails drops the
 * program's connection, which a jest worker would report as a failure of its own); its error.
 */
async function failedPreviewOf(change: (config: Record<string, any>) => void): Promise<string> {
    await devWith(change);
    const { stdout } = await promisify(execFile)(
        path.join(projectDir, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", path.join(projectDir, "tests", "support", "engineUpProcess.ts"), project.dir(), "dev", "--running-emulator", "--preview"],
        { cwd: projectDir, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...project.azure().engineEnvironment() } },
    );
    return String((JSON.parse(stdout.trim().split("\n").pop()!) as { error?: string }).error);
}

const liveTotal = (traffic: Record<string, number>) => Object.values(traffic).reduce((a, b) => a + b, 0);
const timelineOf = (endpoint: RegExp) => project.azure().arm.trafficTimeline.filter((m) => endpoint.test(m.endpoint));
const operationsSince = (start: number) => project.azure().arm.operations.slice(start);

/** Every moment of the endpoint's traffic since `from` (and the one in force then) has live traffic. */
function expectLiveTrafficThroughout(endpoint: RegExp, from: number): void {
    const moments = timelineOf(endpoint);
    const inForce = moments.filter((m) => m.at <= from).pop();
    for (const moment of [...(inForce ? [inForce] : []), ...moments.filter((m) => m.at > from)]) {
        expect({ at: moment.at, live: liveTotal(moment.traffic) }).toEqual({ at: moment.at, live: 100 });
    }
}

const online = /\/onlineEndpoints\/diabetes-[a-z0-9]+$/i;

/** What d changes: the endpoint's auth mode. */
const authModeChanged: Change = (c) => {
    c.onlineEndpoint.authMode = "AMLToken";
};

/** What every scenario after d keeps: the auth mode d changed and a tag. */
function afterD(c: Record<string, any>): void {
    c.onlineEndpoint.authMode = "AMLToken";
    c.tags = { ...c.tags, costCenter: "42" };
}

/** Dev at blue 50 / green 50: a traffic split a stale snapshot (blue 100) would visibly undo. */
function fiftyFifty(c: Record<string, any>): void {
    c.onlineEndpoint.traffic = { blue: 50, green: 50 };
    c.onlineEndpoint.mirrorTraffic = {};
}

it("a. up under @pulumi/azure-native 3.13 (ML API 2025-09-01)", async () => {
    const up = await (await devWith(undefined, "3.13.0")).up();
    expect(up.outputs.smokeTest.value).toMatchObject({ passed: true });
});

it("b. refresh, then up: no changes, and no PUT at all", async () => {
    await given(committed, "3.13.0");
    // The real provider's refresh records what Azure reports as inputs: blue 100, green mirrored.
    await (await devWith(undefined, "3.13.0")).refresh();
    const start = project.azure().arm.operations.length;
    const up = await (await devWith(undefined, "3.13.0")).up();
    expect(Object.keys(up.summary.resourceChanges ?? {})).toEqual(["same"]);
    expect(operationsSince(start).filter((o) => o.method === "PUT")).toEqual([]);
});

it("c. traffic moved to 50/50 after that refresh, then the upgrade to 3.28 (every ML type moves to 2025-12-01): exactly the live split at every moment (no stale or empty traffic map), batch default kept, nothing replaced or re-created", async () => {
    await given(committed, "3.13.0");
    await (await devWith(fiftyFifty, "3.13.0")).up();
    const stack = await devWith(fiftyFifty);
    // Said plainly on every step of the plain preview: which input changed.
    expect((await stack.preview()).stdout).toMatch(/~ +azure-native:machinelearningservices:OnlineDeployment +online-diabetes-blue +update +\[diff: ~azureApiVersion[,\]]/);
    const preview = await stack.preview({ diff: true });
    expect(preview.changeSummary).not.toHaveProperty("replace");
    expect(preview.changeSummary).not.toHaveProperty("delete");
    expect(preview.changeSummary).not.toHaveProperty("create");
    expect(preview.stdout).toMatch(/~ azure-native:machinelearningservices:OnlineDeployment: \(update\)/);
    expect(preview.stdout).toMatch(/azureApiVersion\s*: "2025-09-01" => "2025-12-01"/);
    // The endpoints are the program's own resources: an azure-native upgrade does not PUT them.
    expect(preview.stdout).not.toMatch(/~ pulumi-nodejs:dynamic\/azureml:OnlineEndpoint:/);

    const from = Date.now();
    const start = project.azure().arm.operations.length;
    const up = await stack.up();
    const operations = operationsSince(start);
    expect(operations.filter((o) => o.method === "DELETE")).toEqual([]);
    expect(operations.filter((o) => /\/(online|batch)Endpoints\/[^/]+$/i.test(o.id))).toEqual([]);
    expect(operations.filter((o) => /\/deployments\//.test(o.id)).length).toBeGreaterThan(0);
    // Not only some live traffic: exactly the split in force, at every moment.
    const moments = timelineOf(online);
    for (const moment of [moments.filter((m) => m.at <= from).pop()!, ...moments.filter((m) => m.at > from)]) {
        expect(moment).toMatchObject({ traffic: { blue: 50, green: 50 }, mirrorTraffic: {} });
    }
    const batchId = String(up.outputs.onlineEndpointId.value).replace(/onlineEndpoints\/.*/, `batchEndpoints/${up.outputs.batchEndpointName.value}`);
    const batch = project.azure().arm.resource(batchId)!;
    expect(batch.body.properties.defaults).toEqual({ deploymentName: "classifier-v2" });
    expect((await (await devWith(fiftyFifty)).preview({ expectNoChanges: true })).changeSummary).toEqual({ same: expect.any(Number) });
});

it("d. the auth mode changed on the live endpoint (Key -> AMLToken): applied before the probe, live traffic at every moment, smoke test passing with the new credential", async () => {
    await given(fiftyFifty);
    const from = Date.now();
    const up = await (await devWith(authModeChanged)).up();
    expect(up.outputs.smokeTest.value).toMatchObject({ passed: true });
    expect(up.outputs).not.toHaveProperty("onlineEndpointKey");
    const endpoint = project.azure().arm.resource(String(up.outputs.onlineEndpointId.value))!;
    expect(endpoint.body.properties.authMode).toBe("AMLToken");
    expectLiveTrafficThroughout(online, from);
});

it("e. a transient storm (429, 503, 409 AnotherOperationInProgress) during up: the update completes", async () => {
    await given(authModeChanged);
    project.azure().arm.injectFaults([
        { status: 429, code: "TooManyRequests" },
        { status: 503, code: "ServiceUnavailable" },
        { status: 409, code: "AnotherOperationInProgress" },
        { status: 503, code: "ServiceUnavailable" },
        { status: 429, code: "TooManyRequests" },
        { status: 409, code: "AnotherOperationInProgress" },
    ]);
    const up = await (await devWith(afterD)).up();
    expect(up.summary.result).toBe("succeeded");
    expect(project.azure().arm.faultsAnswered.length).toBe(6);
});

/** Dev with a third deployment, red, that takes no traffic and serves `model`. */
function devWithRed(model: string) {
    return devWith((c) => {
        afterD(c);
        c.models = [...c.models, { name: "diabetes-classifier", version: 9, path: model, description: "red" }];
        c.onlineEndpoint.deployments = [...c.onlineEndpoint.deployments, { ...c.onlineEndpoint.deployments[0], name: "red", model: "diabetes-classifier:9" }];
    });
}

// Repaired in place on the next up: tests/engine/azureNativeFidelity.test.ts (the stand-in updates a resource kept with init errors).
it("f. a deployment that fails to provision stays in the state with its error; removed from config, it is deleted, nothing orphaned", async () => {
    await given(afterD);
    const broken = path.join(project.dir(), "model-broken");
    fs.cpSync(path.join(projectDir, "models", "diabetes-v2"), broken, { recursive: true });
    fs.writeFileSync(path.join(broken, "model.pkl"), "this is not a pickle");
    const failure = await (await devWithRed(broken)).up().catch((err: Error) => err);
    expect(String(failure)).toMatch(/deployment red failed to start/);
    const state = await (await devWithRed(broken)).stack.exportStack();
    const red = state.deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::online-diabetes-red"));
    expect(red?.initErrors?.length).toBeGreaterThan(0);

    // Removed from config: deleted from Azure, nothing orphaned under the endpoint.
    const endpointId = String(red.outputs.id ?? red.id).replace(/\/deployments\/red$/, "");
    const up = await (await devWith(afterD)).up();
    expect(up.summary.result).toBe("succeeded");
    expect(project.azure().arm.resource(`${endpointId}/deployments/red`)).toBeUndefined();
});

/** Dev after d, with both endpoints renamed (g). */
function renamed(c: Record<string, any>): void {
    afterD(c);
    c.onlineEndpoint.name = "diabetes2";
    c.batchEndpoint.name = "diabetes-batch2";
}

it("g. the endpoint renamed: the old endpoint serves until the new one serves, then goes; the batch endpoint's default likewise", async () => {
    await given(afterD);
    const oldOnline = timelineOf(online).at(-1)!.endpoint;
    const from = Date.now();
    const up = await (await devWith(renamed)).up();
    expect(up.outputs.smokeTest.value).toMatchObject({ passed: true });
    const newOnline = String(up.outputs.onlineEndpointId.value);
    const newServes = project.azure().arm.trafficTimeline.find((m) => m.endpoint === newOnline && liveTotal(m.traffic) === 100)!;
    const oldStops = project.azure().arm.trafficTimeline.find((m) => m.endpoint === oldOnline && liveTotal(m.traffic) === 0 && m.at >= newServes.at - 1);
    expect(newServes).toBeDefined();
    expect(oldStops).toBeDefined();
    expect(oldStops!.at).toBeGreaterThanOrEqual(newServes.at);
    // Until the new endpoint served, the old one had live traffic at every moment of the update.
    const old = project.azure().arm.trafficTimeline.filter((m) => m.endpoint === oldOnline);
    const inForce = old.filter((m) => m.at <= from).pop()!;
    for (const moment of [inForce, ...old.filter((m) => m.at > from && m.at < newServes.at)]) {
        expect(liveTotal(moment.traffic)).toBe(100);
    }
    expect(project.azure().arm.resource(oldOnline)).toBeUndefined();

    const operations = project.azure().arm.operations;
    const newBatch = newOnline.replace(/onlineEndpoints\/.*/, `batchEndpoints/${up.outputs.batchEndpointName.value}`);
    const oldBatch = operations.find((o) => o.method === "DELETE" && /\/batchEndpoints\/diabetes-batch-[a-z0-9]+$/.test(o.id))!;
    const newDefault = operations.findIndex((o) => o.method === "PUT" && o.id === newBatch && o.status === "Succeeded" && o.ended !== undefined);
    expect(oldBatch).toBeDefined();
    expect(newDefault).toBeGreaterThan(-1);
    expect(operations.indexOf(oldBatch)).toBeGreaterThan(newDefault);
    expect(project.azure().arm.resource(newBatch)!.body.properties.defaults).toEqual({ deploymentName: "classifier-v2" });
});

it("h. a version whose files changed without a bump, and a retained version declared again: preview fails naming the version and what to do, nothing created", async () => {
    await given(renamed);
    const changed = path.join(project.dir(), "model-v2-retrained");
    fs.cpSync(path.join(projectDir, "models", "diabetes-v2"), changed, { recursive: true });
    fs.appendFileSync(path.join(changed, "MLmodel"), "# retrained\n");
    const keep = renamed;
    const start = project.azure().arm.operations.length;
    const failure = await failedPreviewOf((c) => {
        keep(c);
        c.models = c.models.map((m: { version: number }) => (m.version === 2 ? { ...m, path: changed } : m));
    });
    expect(failure).toMatch(/Pulumi\.dev\.yaml: models \(diabetes-classifier:2\): diabetes-classifier version 2 already exists in the workspace with other files/);
    expect(operationsSince(start)).toEqual([]);

    // Version 1 removed from the config (retained in the workspace), then declared again.
    const withoutV1 = (c: Record<string, any>) => {
        keep(c);
        c.models = c.models.filter((m: { version: number }) => m.version !== 1);
        c.onlineEndpoint.deployments = c.onlineEndpoint.deployments.map((d: { model: string }) => ({ ...d, model: "diabetes-classifier:2" }));
    };
    await (await devWith(withoutV1)).up();
    const again = await failedPreviewOf(keep);
    expect(again).toMatch(/diabetes-classifier version 1 already exists in the workspace with these files, but not in this stack's state/);
    expect(again).toMatch(/pulumi import azure-native:machinelearningservices:ModelVersion models-diabetes-classifier-v1-[0-9a-f]{12} '\/subscriptions\/.*\/models\/diabetes-classifier\/versions\/1'/);
});
