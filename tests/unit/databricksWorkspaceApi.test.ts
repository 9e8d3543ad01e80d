import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { LocalDatabricks } from "../../emulator/databricks/localDatabricks";
import { RunningEntity, ServingBackend } from "../../emulator/databricks/servingBackend";
import { EntityConfig } from "../../emulator/databricks/servingConfig";
import { seededRandom } from "../support/fakes";
import { LoopbackServer } from "../support/loopbackServer";
import { projectDir } from "../support/stackFile";

/**
 * The local Azure Databricks workspace API through its REST API, as the program and the stand-in
 * plugin call it, with served entities stood in by small HTTP servers (the real scoring servers
 * are tested in tests/e2e/databricksServing.test.ts): the serving state machine, the router and its
 * metrics, permissions, clusters, DBFS, and the door (workspace host, token).
 */

const host = "adb-1234567890123456.7.azuredatabricks.net";
const token = "unit-token";

/** One served entity's server: answers `/invocations` with its model version, and 400 for `{"bad": ...}`. */
class FakeEntityServer extends LoopbackServer {
    readonly received: { contentType?: string; body: string }[] = [];
    stopped = false;

    constructor(readonly version: string) {
        super();
    }

    protected handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
        this.received.push({ contentType: req.headers["content-type"], body });
        if (body.includes('"bad"')) {
            res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error_code: "BAD_REQUEST", message: "Encountered an unexpected error while evaluating the model." }));
            return;
        }
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ predictions: [`v${this.version}`] }));
    }

    override async stop(): Promise<void> {
        this.stopped = true;
        await super.stop();
    }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
}

/** The registry and the servers, scripted per model version: a start may wait for a gate, or fail. */
class FakeBackend implements ServingBackend {
    readonly versions = new Set(["penguins:1", "penguins:2", "penguins:3", "broken:1"]);
    readonly gates = new Map<string, Promise<void>>();
    readonly servers: FakeEntityServer[] = [];
    /** Starts begun, as `name:version`. */
    readonly starting: string[] = [];

    async versionExists(name: string, version: string): Promise<boolean> {
        return this.versions.has(`${name}:${version}`);
    }

    async start(_endpoint: string, entity: EntityConfig, log: (line: string) => void): Promise<RunningEntity> {
        log(`building the environment of ${entity.entity_name} ${entity.entity_version}`);
        this.starting.push(`${entity.entity_name}:${entity.entity_version}`);
        await this.gates.get(`${entity.entity_name}:${entity.entity_version}`);
        if (entity.entity_name === "broken") throw new Error("the model does not load: ModuleNotFoundError: No module named 'nothing'");
        const server = await new FakeEntityServer(entity.entity_version).start();
        this.servers.push(server);
        return { url: server.url, output: () => `server of ${entity.name}`, stop: () => server.stop() };
    }
}

let databricks: LocalDatabricks;
let backend: FakeBackend;
let root: string;

beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "databricks-unit-"));
    backend = new FakeBackend();
    databricks = await LocalDatabricks.start({ projectDir, root, token, progress: () => undefined, clusterStartMs: 1000, backend: () => backend, random: seededRandom(11) });
    databricks.register(host, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/dbw");
});
afterEach(async () => {
    await databricks.stop();
    await Promise.all(backend.servers.map((s) => s.stop()));
    fs.rmSync(root, { recursive: true, force: true });
});

interface Answer {
    readonly status: number;
    readonly json: any;
    readonly text: string;
    readonly headers: Headers;
}

async function call(method: string, route: string, body?: unknown, options: { token?: string | null; host?: string; contentType?: string; raw?: string | Buffer } = {}): Promise<Answer> {
    const bearer = options.token === undefined ? `dbx-${token}` : options.token;
    const answer = await fetch(`${databricks.url}/${options.host ?? host}${route}`, {
        method,
        headers: { "Content-Type": options.contentType ?? "application/json", ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
        body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await answer.text();
    let json: any;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: answer.status, json, text, headers: answer.headers };
}

const entity = (name: string, version: string, extra: Record<string, unknown> = {}) => ({ name, entity_name: "penguins", entity_version: version, workload_size: "Small", scale_to_zero_enabled: false, ...extra });
const routes = (weights: Record<string, number>) => ({ routes: Object.entries(weights).map(([served_model_name, traffic_percentage]) => ({ served_model_name, traffic_percentage })) });

async function until<T>(what: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await what();
        if (done(value) || Date.now() > deadline) return value;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

const settled = (name: string) => until(() => call("GET", `/api/2.0/serving-endpoints/${name}`), (a) => a.json?.state?.config_update !== "IN_PROGRESS");

async function endpointWith(name: string, config: Record<string, unknown>): Promise<Answer> {
    const created = await call("POST", "/api/2.0/serving-endpoints", { name, config });
    expect(created.status).toBe(200);
    return settled(name);
}

const invoke = (name: string, body: unknown = { dataframe_records: [{ Island: "Biscoe" }] }, entityName?: string) =>
    call("POST", `/serving-endpoints/${name}${entityName ? `/served-models/${entityName}` : ""}/invocations`, body);

describe("the door", () => {
    it("answers a host no workspace has with 404, and a request without the Azure Databricks token with 401", async () => {
        expect(await call("GET", "/api/2.0/preview/scim/v2/Me", undefined, { host: "adb-1.1.azuredatabricks.net" })).toMatchObject({ status: 404, json: { error_code: "NOT_FOUND" } });
        expect(await call("GET", "/api/2.0/preview/scim/v2/Me", undefined, { token: null })).toMatchObject({ status: 401, json: { error_code: "UNAUTHENTICATED" } });
        // The Resource Manager token (another audience) is refused, as Entra's audience check does.
        expect((await call("GET", "/api/2.0/preview/scim/v2/Me", undefined, { token })).status).toBe(401);
        expect((await invoke("none")).status).toBe(404);
        expect((await call("POST", "/serving-endpoints/x/invocations", {}, { token: null })).status).toBe(401);
        const me = await call("GET", "/api/2.0/preview/scim/v2/Me");
        expect(me.json).toMatchObject({ userName: "local-user@emulator.invalid", active: true });
        expect((await call("GET", "/api/2.0/unknown")).json.error_code).toBe("ENDPOINT_NOT_FOUND");
    });

    it("stops serving a workspace once it is unregistered (deleted in ARM)", async () => {
        await databricks.unregister(`https://${host}/`);
        expect((await call("GET", "/api/2.0/preview/scim/v2/Me")).status).toBe(404);
    });
});

describe("serving endpoints: the config and its checks", () => {
    it("creates an endpoint whose config serves once its entity is ready, as ServingEndpointDetailed", async () => {
        const created = await call("POST", "/api/2.0/serving-endpoints", { name: "predict-penguin", config: { served_entities: [entity("blue", "1")] }, tags: [{ key: "team", value: "ml" }] });
        expect(created.json).toMatchObject({ name: "predict-penguin", state: { ready: "NOT_READY", config_update: "IN_PROGRESS" }, pending_config: { config_version: 1 } });
        expect(created.json.config).toBeUndefined();
        const ready = await settled("predict-penguin");
        expect(ready.json).toMatchObject({
            state: { ready: "READY", config_update: "NOT_UPDATING" },
            config: {
                config_version: 1,
                served_entities: [{ name: "blue", entity_name: "penguins", entity_version: "1", workload_size: "Small", scale_to_zero_enabled: false, state: { deployment: "DEPLOYMENT_READY" } }],
                traffic_config: { routes: [{ served_model_name: "blue", traffic_percentage: 100 }] },
            },
            tags: [{ key: "team", value: "ml" }],
            creator: "local-user@emulator.invalid",
            route_optimized: false,
        });
        expect(ready.json.pending_config).toBeUndefined();
        expect(ready.json.id).toMatch(/^[0-9a-f]{32}$/);
        expect(databricks.endpointState(host, "predict-penguin")).toEqual({ ready: "READY", configUpdate: "NOT_UPDATING", configVersion: 1, pendingVersion: undefined });
        const listed = await call("GET", "/api/2.0/serving-endpoints");
        expect(listed.json.endpoints.map((e: { name: string }) => e.name)).toEqual(["predict-penguin"]);
        expect((await call("POST", "/api/2.0/serving-endpoints", { name: "predict-penguin" })).json.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    });

    it("refuses what Databricks refuses in a config, and a version the registry does not have", async () => {
        await call("POST", "/api/2.0/serving-endpoints", { name: "shell" });
        const put = (config: unknown) => call("PUT", "/api/2.0/serving-endpoints/shell/config", config);
        const refusals: [unknown, RegExp][] = [
            [{ served_entities: [] }, /at least one/],
            [{ served_entities: Array.from({ length: 11 }, (_, i) => entity(`e${i}`, "1")), traffic_config: routes({ e0: 100 }) }, /at most 10/],
            [{ served_entities: [entity("blue", "1"), entity("blue", "2")], traffic_config: routes({ blue: 100 }) }, /unique/],
            [{ served_entities: [entity("blue.x", "1")] }, /invalid/],
            [{ served_entities: [entity("blue", "1", { workload_size: "Huge" })] }, /workload_size/],
            [{ served_entities: [entity("blue", "1"), entity("green", "2")] }, /traffic_config is required/],
            [{ served_entities: [entity("blue", "1"), entity("green", "2")], traffic_config: routes({ blue: 90, green: 5 }) }, /sum to 100/],
            [{ served_entities: [entity("blue", "1"), entity("green", "2")], traffic_config: routes({ blue: 100 }) }, /green has none/],
            [{ served_entities: [entity("blue", "1")], traffic_config: routes({ blue: 50, red: 50 }) }, /names no served entity/],
            [{ served_entities: [entity("blue", "1")], traffic_config: routes({ blue: 100.5 }) }, /integer/],
        ];
        for (const [config, message] of refusals) {
            const answer = await put(config);
            expect({ status: answer.status, code: answer.json.error_code }).toEqual({ status: 400, code: "INVALID_PARAMETER_VALUE" });
            expect(answer.json.message).toMatch(message);
        }
        const missing = await put({ served_entities: [entity("blue", "9")] });
        expect(missing).toMatchObject({ status: 404, json: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
        expect((await call("POST", "/api/2.0/serving-endpoints", { name: "bad name" })).status).toBe(400);
        expect((await call("PUT", "/api/2.0/serving-endpoints/none/config", { served_entities: [entity("blue", "1")] })).status).toBe(404);
        // A route to an entity at 0% is allowed: it is called directly.
        expect((await put({ served_entities: [entity("blue", "1"), entity("green", "2")], traffic_config: routes({ blue: 100, green: 0 }) })).status).toBe(200);
    });

    it("adds and deletes tags, answering the endpoint's tags", async () => {
        await call("POST", "/api/2.0/serving-endpoints", { name: "tagged", tags: [{ key: "a", value: "1" }] });
        const patched = await call("PATCH", "/api/2.0/serving-endpoints/tagged/tags", { add_tags: [{ key: "b", value: "2" }, { key: "a", value: "3" }], delete_tags: ["missing"] });
        expect(patched.json).toEqual({ tags: [{ key: "a", value: "3" }, { key: "b", value: "2" }] });
        expect((await call("PATCH", "/api/2.0/serving-endpoints/tagged/tags", { delete_tags: ["a"] })).json).toEqual({ tags: [{ key: "b", value: "2" }] });
    });
});

describe("serving endpoints: one config update at a time", () => {
    it("refuses an update with 409 while one is in progress, and takes it once that one is done", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1")] });
        const gate = deferred();
        backend.gates.set("penguins:2", gate.promise);
        const first = await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("blue", "1"), entity("green", "2")], traffic_config: routes({ blue: 100, green: 0 }) });
        expect(first.json).toMatchObject({ state: { config_update: "IN_PROGRESS", ready: "READY" }, config: { config_version: 1 }, pending_config: { config_version: 2 } });
        expect(first.json.pending_config.served_entities.map((e: any) => [e.name, e.state.deployment])).toEqual([
            ["blue", "DEPLOYMENT_READY"],
            ["green", "DEPLOYMENT_CREATING"],
        ]);
        const second = await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("blue", "1")] });
        expect(second).toMatchObject({ status: 409, json: { error_code: "RESOURCE_CONFLICT" } });
        expect(second.json.message).toMatch(/update in progress/);
        gate.resolve();
        expect((await settled("ep")).json.config.config_version).toBe(2);
        expect((await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("blue", "1")] })).status).toBe(200);
    });

    it("keeps serving the old config until every entity of the new one is ready, then stops what the new one dropped", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1")] });
        const blue = backend.servers[0];
        const gate = deferred();
        backend.gates.set("penguins:2", gate.promise);
        await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("green", "2")] });
        for (let i = 0; i < 5; i++) {
            const answer = await invoke("ep");
            expect(answer.headers.get("served-model-name")).toBe("blue");
        }
        gate.resolve();
        const after = await settled("ep");
        expect(after.json.config.served_entities.map((e: any) => e.name)).toEqual(["green"]);
        expect((await invoke("ep")).json).toEqual({ predictions: ["v2"] });
        await until(async () => blue.stopped, (stopped) => stopped);
        expect(blue.stopped).toBe(true);
        // Every moment of the timeline names only ready entities, and the endpoint always had one.
        const moments = databricks.trafficTimeline.filter((m) => m.endpoint === "ep");
        expect(moments.map((m) => m.routes)).toEqual([{ blue: 100 }, { green: 100 }]);
        expect(moments.every((m) => Object.keys(m.entities).length > 0 && m.workspace === host)).toBe(true);
    });

    it("leaves the old config serving when an entity of the new one fails, with the reason in its state and build logs", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1")] });
        backend.versions.add("broken:1");
        const gate = deferred();
        backend.gates.set("broken:1", gate.promise);
        const put = await call("PUT", "/api/2.0/serving-endpoints/ep/config", {
            served_entities: [entity("blue", "1"), { name: "green", entity_name: "broken", entity_version: "1", workload_size: "Small" }],
            traffic_config: routes({ blue: 90, green: 10 }),
        });
        expect(put.status).toBe(200);
        gate.resolve();
        const failed = await settled("ep");
        expect(failed.json.state).toEqual({ ready: "READY", config_update: "UPDATE_FAILED" });
        expect(failed.json.pending_config).toBeUndefined();
        expect(failed.json.config).toMatchObject({ config_version: 1, traffic_config: { routes: [{ served_model_name: "blue", traffic_percentage: 100 }] } });
        const logs = await call("GET", "/api/2.0/serving-endpoints/ep/served-models/green/build-logs");
        expect(logs.json.logs).toMatch(/No module named 'nothing'/);
        expect((await invoke("ep")).headers.get("served-model-name")).toBe("blue");
        expect(databricks.trafficTimeline.filter((m) => m.endpoint === "ep").map((m) => m.routes)).toEqual([{ blue: 100 }]);
        // A failed update does not block the next one.
        expect((await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("blue", "1")] })).status).toBe(200);
    });

    it("shows an entity's failure in the pending config until the update ends", async () => {
        await call("POST", "/api/2.0/serving-endpoints", { name: "ep" });
        const slowGreen = deferred();
        backend.gates.set("penguins:2", slowGreen.promise);
        await call("PUT", "/api/2.0/serving-endpoints/ep/config", {
            served_entities: [{ name: "red", entity_name: "broken", entity_version: "1" }, entity("green", "2")],
            traffic_config: routes({ red: 50, green: 50 }),
        });
        const failing = await until(
            () => call("GET", "/api/2.0/serving-endpoints/ep"),
            (a) => a.json.pending_config?.served_entities[0].state.deployment === "DEPLOYMENT_FAILED",
        );
        expect(failing.json.state).toEqual({ ready: "NOT_READY", config_update: "IN_PROGRESS" });
        expect(failing.json.pending_config.served_entities[0].state.deployment_state_message).toMatch(/red .* failed to deploy: the model does not load/);
        slowGreen.resolve();
        expect((await settled("ep")).json.state).toEqual({ ready: "NOT_READY", config_update: "UPDATE_FAILED" });
        expect((await invoke("ep")).status).toBe(503);
    });

    it("keeps an unchanged entity's server across an update, and makes a new one for a changed entity", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1"), entity("green", "2")], traffic_config: routes({ blue: 100, green: 0 }) });
        expect(backend.servers).toHaveLength(2);
        await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("blue", "1"), entity("green", "2")], traffic_config: routes({ blue: 50, green: 50 }) });
        expect((await settled("ep")).json.config.config_version).toBe(2);
        expect(backend.servers).toHaveLength(2);
        await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("blue", "1"), entity("green", "3")], traffic_config: routes({ blue: 50, green: 50 }) });
        await settled("ep");
        expect(backend.servers).toHaveLength(3);
        await until(async () => backend.servers[1].stopped, (stopped) => stopped);
        expect(backend.servers.map((s) => s.stopped)).toEqual([false, true, false]);
    });

    it("makes the next update take as long as a scenario asks", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1")] });
        databricks.slowNextUpdate(host, "ep", 1500);
        const started = Date.now();
        await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("blue", "2")] });
        expect((await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("blue", "1")] })).status).toBe(409);
        await settled("ep");
        expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    });

    it("deletes an endpoint with its servers, even during an update", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1")] });
        const gate = deferred();
        backend.gates.set("penguins:2", gate.promise);
        await call("PUT", "/api/2.0/serving-endpoints/ep/config", { served_entities: [entity("green", "2")] });
        await until(async () => backend.starting.includes("penguins:2"), (begun) => begun);
        expect((await call("DELETE", "/api/2.0/serving-endpoints/ep")).json).toEqual({});
        gate.resolve();
        await until(async () => backend.servers.every((s) => s.stopped), (all) => all && backend.servers.length === 2);
        expect(backend.servers.map((s) => s.stopped)).toEqual([true, true]);
        expect((await call("GET", "/api/2.0/serving-endpoints/ep")).status).toBe(404);
        expect((await invoke("ep")).status).toBe(404);
        expect(databricks.trafficTimeline.at(-1)).toMatchObject({ endpoint: "ep", configVersion: null, routes: {} });
    });
});

describe("serving endpoints: the data plane", () => {
    it("routes by the routes' weights, names the entity that answered, and takes an entity's own path", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1"), entity("green", "2")], traffic_config: routes({ blue: 80, green: 20 }) });
        const counts: Record<string, number> = {};
        for (let i = 0; i < 200; i++) {
            const answer = await invoke("ep");
            const name = answer.headers.get("served-model-name")!;
            counts[name] = (counts[name] ?? 0) + 1;
            expect(answer.json.predictions).toEqual([name === "blue" ? "v1" : "v2"]);
        }
        expect(counts.blue).toBeGreaterThan(140);
        expect(counts.green).toBeGreaterThan(20);
        const direct = await invoke("ep", { instances: [[1]] }, "green");
        expect({ status: direct.status, entity: direct.headers.get("served-model-name"), json: direct.json }).toEqual({ status: 200, entity: "green", json: { predictions: ["v2"] } });
        expect((await invoke("ep", {}, "red")).status).toBe(404);
    });

    it("passes the body and content type through unchanged and the model's refusal back", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1")] });
        const csv = "Island,CulmenLength\nBiscoe,48.7\n";
        await call("POST", "/serving-endpoints/ep/invocations", undefined, { raw: csv, contentType: "text/csv" });
        expect(backend.servers[0].received.at(-1)).toEqual({ contentType: "text/csv", body: csv });
        const refused = await invoke("ep", { bad: true });
        expect(refused).toMatchObject({ status: 400, json: { error_code: "BAD_REQUEST" } });
    });

    it("refuses a payload over 16 MB with 400", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1")] });
        const big = Buffer.alloc(16 * 1024 * 1024 + 1, 32);
        const answer = await call("POST", "/serving-endpoints/ep/invocations", undefined, { raw: big });
        expect(answer).toMatchObject({ status: 400, json: { error_code: "BAD_REQUEST" } });
        expect(backend.servers[0].received).toHaveLength(0);
    });

    it("exports per-entity counters and a latency histogram of what the entities really answered", async () => {
        await endpointWith("ep", { served_entities: [entity("blue", "1"), entity("green", "2")], traffic_config: routes({ blue: 100, green: 0 }) });
        for (let i = 0; i < 3; i++) await invoke("ep");
        await invoke("ep", { bad: 1 }, "green");
        const metrics = await call("GET", "/api/2.0/serving-endpoints/ep/metrics");
        expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(metrics.text).toContain('request_count_total{served_entity_name="blue"} 3');
        expect(metrics.text).toContain('request_count_total{served_entity_name="green"} 1');
        expect(metrics.text).toContain('request_4xx_count_total{served_entity_name="green"} 1');
        expect(metrics.text).toContain('request_5xx_count_total{served_entity_name="blue"} 0');
        expect(metrics.text).toContain('request_latency_ms_bucket{served_entity_name="blue",le="+Inf"} 3');
        expect(metrics.text).toContain('request_latency_ms_count{served_entity_name="blue"} 3');
        expect(metrics.text).toMatch(/# TYPE request_latency_ms histogram/);
        expect(databricks.requestLog().map((r) => [r.entity, r.status])).toEqual([
            ["blue", 200],
            ["blue", 200],
            ["blue", 200],
            ["green", 400],
        ]);
    });
});

describe("permissions", () => {
    it("takes the levels each object type has, sets and updates lists, and refuses unknown objects", async () => {
        const created = await endpointWith("ep", { served_entities: [entity("blue", "1")] });
        const id = created.json.id;
        const put = await call("PUT", `/api/2.0/permissions/serving-endpoints/${id}`, { access_control_list: [{ user_name: "a@x", permission_level: "CAN_QUERY" }, { group_name: "users", permission_level: "CAN_VIEW" }] });
        expect(put.json).toEqual({
            object_id: `/serving-endpoints/${id}`,
            object_type: "serving-endpoint",
            access_control_list: [
                { user_name: "a@x", all_permissions: [{ permission_level: "CAN_QUERY", inherited: false }] },
                { group_name: "users", all_permissions: [{ permission_level: "CAN_VIEW", inherited: false }] },
            ],
        });
        const patched = await call("PATCH", `/api/2.0/permissions/serving-endpoints/${id}`, { access_control_list: [{ service_principal_name: "sp", permission_level: "CAN_MANAGE" }, { user_name: "a@x", permission_level: "CAN_MANAGE" }] });
        expect(patched.json.access_control_list.map((c: any) => c.all_permissions[0].permission_level)).toEqual(["CAN_VIEW", "CAN_MANAGE", "CAN_MANAGE"]);
        expect((await call("GET", `/api/2.0/permissions/serving-endpoints/${id}`)).json).toEqual(patched.json);
        const wrong = await call("PUT", `/api/2.0/permissions/serving-endpoints/${id}`, { access_control_list: [{ user_name: "a@x", permission_level: "CAN_ATTACH_TO" }] });
        expect(wrong).toMatchObject({ status: 400, json: { error_code: "INVALID_PARAMETER_VALUE" } });
        expect((await call("GET", `/api/2.0/permissions/serving-endpoints/${id}/permissionLevels`)).json.permission_levels.map((l: any) => l.permission_level)).toEqual(["CAN_MANAGE", "CAN_QUERY", "CAN_VIEW"]);
        // Endpoints are named by their id in the Permissions API, not their name.
        expect((await call("GET", "/api/2.0/permissions/serving-endpoints/ep")).status).toBe(404);
        const cluster = await call("POST", "/api/2.1/clusters/create", { cluster_name: "c", spark_version: "15.4.x-cpu-ml-scala2.12", node_type_id: "Standard_D4ds_v5", num_workers: 0, autotermination_minutes: 20 });
        const clusterAcl = await call("PUT", `/api/2.0/permissions/clusters/${cluster.json.cluster_id}`, { access_control_list: [{ group_name: "users", permission_level: "CAN_RESTART" }] });
        expect(clusterAcl.json.object_type).toBe("cluster");
        expect((await call("PUT", `/api/2.0/permissions/clusters/${cluster.json.cluster_id}`, { access_control_list: [{ group_name: "users", permission_level: "CAN_QUERY" }] })).status).toBe(400);
        expect((await call("GET", "/api/2.0/permissions/jobs/1")).status).toBe(404);
    });
});

describe("clusters, as state only", () => {
    it("starts a cluster PENDING then RUNNING, refuses an edit while it starts, terminates and removes it", async () => {
        const spec = { cluster_name: "penguins", spark_version: "15.4.x-cpu-ml-scala2.12", node_type_id: "Standard_D4ds_v5", num_workers: 0, autotermination_minutes: 20 };
        const { json } = await call("POST", "/api/2.1/clusters/create", spec);
        expect(json.cluster_id).toMatch(/^\d{4}-\d{6}-[0-9a-f]{8}$/);
        const get = () => call("GET", `/api/2.1/clusters/get?cluster_id=${json.cluster_id}`);
        expect((await get()).json).toMatchObject({ ...spec, state: "PENDING", creator_user_name: "local-user@emulator.invalid" });
        expect((await call("POST", "/api/2.1/clusters/edit", { cluster_id: json.cluster_id, ...spec })).json.error_code).toBe("INVALID_STATE");
        expect((await until(get, (a) => a.json.state === "RUNNING")).json.state).toBe("RUNNING");
        expect((await call("POST", "/api/2.1/clusters/edit", { cluster_id: json.cluster_id, ...spec, autotermination_minutes: 30 })).status).toBe(200);
        expect((await get()).json).toMatchObject({ state: "RESTARTING", autotermination_minutes: 30 });
        await call("POST", "/api/2.1/clusters/delete", { cluster_id: json.cluster_id });
        expect((await get()).json.state).toBe("TERMINATED");
        await call("POST", "/api/2.1/clusters/permanent-delete", { cluster_id: json.cluster_id });
        expect((await get()).json.error_code).toBe("INVALID_PARAMETER_VALUE");
    });

    it("refuses an auto-termination outside 0 or 10..10000 minutes", async () => {
        const spec = { cluster_name: "c", spark_version: "15.4.x-cpu-ml-scala2.12", node_type_id: "Standard_D4ds_v5", num_workers: 0 };
        for (const minutes of [5, 10001, 1.5]) {
            expect((await call("POST", "/api/2.1/clusters/create", { ...spec, autotermination_minutes: minutes })).json.error_code).toBe("INVALID_PARAMETER_VALUE");
        }
        expect((await call("POST", "/api/2.1/clusters/create", { ...spec, autotermination_minutes: 0 })).status).toBe(200);
        const versions = await call("GET", "/api/2.1/clusters/spark-versions");
        expect(versions.json.versions).toContainEqual({ key: "15.4.x-cpu-ml-scala2.12", name: "15.4 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)" });
        const nodeTypes = await call("GET", "/api/2.1/clusters/list-node-types");
        expect(nodeTypes.json.node_types).toContainEqual(expect.objectContaining({ node_type_id: "Standard_D4ds_v5", num_cores: 4, memory_mb: 16384 }));
    });
});

describe("DBFS", () => {
    it("writes, lists, reads back and deletes files under the workspace's DBFS folder", async () => {
        const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
        expect((await call("POST", "/api/2.0/dbfs/put", { path: "dbfs:/FileStore/a/small.txt", contents: Buffer.from("hello").toString("base64") })).status).toBe(200);
        const { json: handle } = await call("POST", "/api/2.0/dbfs/create", { path: "/FileStore/a/model/model.pkl", overwrite: true });
        await call("POST", "/api/2.0/dbfs/add-block", { handle: handle.handle, data: bytes.subarray(0, 1000).toString("base64") });
        await call("POST", "/api/2.0/dbfs/add-block", { handle: handle.handle, data: bytes.subarray(1000).toString("base64") });
        await call("POST", "/api/2.0/dbfs/close", { handle: handle.handle });
        expect((await call("POST", "/api/2.0/dbfs/close", { handle: handle.handle })).json.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
        expect(fs.readFileSync(path.join(root, host, "dbfs", "FileStore", "a", "model", "model.pkl"))).toEqual(bytes);
        expect((await call("GET", "/api/2.0/dbfs/get-status?path=/FileStore/a/model/model.pkl")).json).toMatchObject({ path: "/FileStore/a/model/model.pkl", is_dir: false, file_size: 3000 });
        const read = await call("GET", "/api/2.0/dbfs/read?path=/FileStore/a/model/model.pkl&offset=100&length=50");
        expect(read.json).toEqual({ bytes_read: 50, data: bytes.subarray(100, 150).toString("base64") });
        const listed = await call("GET", "/api/2.0/dbfs/list?path=/FileStore/a");
        expect(listed.json.files.map((f: any) => [f.path, f.is_dir])).toEqual([
            ["/FileStore/a/model", true],
            ["/FileStore/a/small.txt", false],
        ]);
        expect((await call("POST", "/api/2.0/dbfs/put", { path: "/FileStore/a/small.txt", contents: "" })).json.error_code).toBe("RESOURCE_ALREADY_EXISTS");
        expect((await call("POST", "/api/2.0/dbfs/delete", { path: "/FileStore/a" })).json.error_code).toBe("IO_ERROR");
        await call("POST", "/api/2.0/dbfs/move", { source_path: "/FileStore/a/small.txt", destination_path: "/FileStore/b.txt" });
        expect(Buffer.from((await call("GET", "/api/2.0/dbfs/read?path=dbfs:/FileStore/b.txt")).json.data, "base64").toString()).toBe("hello");
        await call("POST", "/api/2.0/dbfs/delete", { path: "/FileStore/a", recursive: true });
        expect(await call("GET", "/api/2.0/dbfs/get-status?path=/FileStore/a")).toMatchObject({ status: 404, json: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
        expect((await call("GET", "/api/2.0/dbfs/read?path=/../../etc/passwd")).status).toBe(400);
        expect((await call("GET", `/api/2.0/dbfs/read?path=/FileStore/b.txt&length=${2 * 1024 * 1024}`)).json.error_code).toBe("MAX_READ_SIZE_EXCEEDED");
    });
});
