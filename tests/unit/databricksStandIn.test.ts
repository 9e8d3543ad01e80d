import * as http from "http";
import { AddressInfo } from "net";
import * as pulumi from "@pulumi/pulumi";
import { databricksProvider } from "../../emulator/providers/databricks/databricksProvider";
import { withoutSecrets } from "../../emulator/providers/databricks/engineRequests";
import { mlflowExperiment } from "../../emulator/providers/databricks/mlflowExperiment";
import { modelServing } from "../../emulator/providers/databricks/modelServing";
import { permissions } from "../../emulator/providers/databricks/permissions";
import { configFrom } from "../../emulator/providers/databricks/providerConfig";
import { autonamed, inputDiff } from "../../emulator/providers/databricks/schema";

/**
 * The stand-in databricks plugin's rules without the engine (its behaviour under the engine, against
 * the local Databricks: tests/engine/databricksProvider.test.ts): diffs as the Terraform schemas
 * mark inputs, autonaming, configuration, and the requests it makes, against a recording server.
 */
const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;
const servingUrn = urn("databricks:index/modelServing:ModelServing", "endpoint");
const liveConfig = {
    servedEntities: [{ name: "blue", entityName: "Penguin Predictor", entityVersion: "1", workloadSize: "Small", scaleToZeroEnabled: true, workloadType: "CPU" }],
    trafficConfig: { routes: [{ servedModelName: "blue", servedEntityName: "blue", trafficPercentage: 100 }] },
};

describe("diffs, as each Terraform schema marks its inputs", () => {
    it("never diffs a serving endpoint on a config the program leaves out, and compares a given one on what it gives", () => {
        const olds = { name: "ep", config: liveConfig, servingEndpointId: "id1" };
        expect(inputDiff(modelServing.rules, { name: "ep" }, olds, { name: "ep" })).toEqual({ changed: [], replaces: [] });
        const given = { servedEntities: [{ entityName: "Penguin Predictor", entityVersion: "1", workloadSize: "Small" }] };
        expect(inputDiff(modelServing.rules, { name: "ep" }, olds, { name: "ep", config: given }).changed).toEqual([]);
        const moved = { servedEntities: [{ entityName: "Penguin Predictor", entityVersion: "2", workloadSize: "Small" }] };
        expect(inputDiff(modelServing.rules, { name: "ep" }, olds, { name: "ep", config: moved })).toEqual({ changed: ["config"], replaces: [] });
    });

    it("replaces a serving endpoint on name and routeOptimized, and takes tags as a set", () => {
        const olds = { name: "ep", tags: [{ key: "a", value: "1" }, { key: "b", value: "2" }], routeOptimized: false };
        expect(inputDiff(modelServing.rules, olds, olds, { name: "ep", tags: [{ key: "b", value: "2" }, { key: "a", value: "1" }] }).changed).toEqual([]);
        expect(inputDiff(modelServing.rules, olds, olds, { ...olds, name: "ep2" }).replaces).toEqual(["name"]);
        expect(inputDiff(modelServing.rules, olds, olds, { ...olds, routeOptimized: true }).replaces).toEqual(["routeOptimized"]);
        expect(inputDiff(modelServing.rules, olds, olds, { name: "ep" })).toEqual({ changed: ["tags"], replaces: [] });
    });

    it("counts an unknown value as a change that never replaces (no preview support)", () => {
        const olds = { servingEndpointId: "id1", accessControls: [{ groupName: "users", permissionLevel: "CAN_QUERY" }] };
        const news = { ...olds, servingEndpointId: pulumi.runtime.unknownValue };
        expect(inputDiff(permissions.rules, olds, olds, news)).toEqual({ changed: ["servingEndpointId"], replaces: [] });
        expect(inputDiff(permissions.rules, olds, olds, { ...olds, servingEndpointId: "id2" }).replaces).toEqual(["servingEndpointId"]);
    });

    it("compares access controls as a set, user names without case", () => {
        const olds = { clusterId: "c1", accessControls: [{ userName: "someone@contoso.com", permissionLevel: "CAN_RESTART" }, { groupName: "users", permissionLevel: "CAN_ATTACH_TO" }] };
        const news = { clusterId: "c1", accessControls: [{ groupName: "users", permissionLevel: "CAN_ATTACH_TO" }, { userName: "Someone@Contoso.com", permissionLevel: "CAN_RESTART" }] };
        expect(inputDiff(permissions.rules, olds, olds, news).changed).toEqual([]);
    });

    it("renames an experiment in place, ignores a /Workspace prefix, replaces on a new artifact location", () => {
        const olds = { name: "/Shared/penguins", artifactLocation: "dbfs:/databricks/mlflow-tracking/1", experimentId: "1" };
        const inputs = { name: "/Shared/penguins" };
        expect(inputDiff(mlflowExperiment.rules, inputs, olds, { name: "/Workspace/Shared/penguins/" }).changed).toEqual([]);
        expect(inputDiff(mlflowExperiment.rules, inputs, olds, { name: "/Shared/other" })).toEqual({ changed: ["name"], replaces: [] });
        expect(inputDiff(mlflowExperiment.rules, inputs, olds, { name: "/Shared/penguins", artifactLocation: "dbfs:/x" }).replaces).toEqual(["artifactLocation"]);
    });

    it("sees an input the program dropped (from the recorded inputs), not an output it never gave", () => {
        const olds = { name: "m", description: "d", registeredModelId: "r1" };
        expect(inputDiff({ replaceKeys: ["name"] }, { name: "m", description: "d" }, olds, { name: "m" }).changed).toEqual(["description"]);
        expect(inputDiff({ replaceKeys: ["name"] }, { name: "m" }, olds, { name: "m" }).changed).toEqual([]);
    });
});

describe("checks", () => {
    it("autonames <logical name>-<7 hex> when the program gives no name, and keeps the name on later checks", () => {
        const first = autonamed(servingUrn, {}, {});
        expect(first).toEqual({ name: expect.stringMatching(/^endpoint-[0-9a-f]{7}$/), __defaults: ["name"] });
        expect(autonamed(servingUrn, first, {}).name).toBe(first.name);
        expect(autonamed(servingUrn, first, { name: "mine" })).toEqual({ name: "mine" });
    });

    it("refuses a permission level the object kind does not take, and two objects at once, at plan time", () => {
        const check = (news: Record<string, unknown>) => permissions.check(urn("databricks:index/permissions:Permissions", "p"), {}, news).failures.map((f) => f.reason);
        expect(check({ servingEndpointId: "e", accessControls: [{ groupName: "users", permissionLevel: "CAN_RESTART" }] })).toEqual([
            "permission_level CAN_RESTART is not supported with serving_endpoint_id objects; allowed levels: CAN_MANAGE, CAN_QUERY, CAN_VIEW",
        ]);
        expect(check({ servingEndpointId: "e", clusterId: "c", accessControls: [{ groupName: "users", permissionLevel: "CAN_MANAGE" }] })).toEqual(['"clusterId": conflicts with servingEndpointId']);
        expect(check({ accessControls: [] })[0]).toMatch(/^at least one type of resource identifier must be set/);
        expect(check({ jobId: "1", accessControls: [{ groupName: "users", permissionLevel: "CAN_VIEW" }] })[0]).toMatch(/does not serve 'jobId'/);
    });

    it("names the inputs it does not serve", () => {
        const failures = modelServing.check(servingUrn, {}, { name: "ep", aiGateway: { usageTrackingConfig: { enabled: true } } }).failures;
        expect(failures).toEqual([{ property: "aiGateway", reason: expect.stringMatching(/does not serve 'aiGateway'/) }]);
    });
});

describe("configuration", () => {
    it("takes args first, then the engine's variables, then the real provider's environment variables; refuses auth it cannot do", () => {
        const args = { host: "https://adb-1.2.azuredatabricks.net", version: "1.110.0" };
        expect(configFrom({ args, variables: { "databricks:config:host": "adb-9.9.azuredatabricks.net" } }, {})).toEqual({ host: args.host });
        expect(configFrom({ args: {}, variables: { "databricks:config:azureWorkspaceResourceId": "/subscriptions/s/x" } }, { DATABRICKS_HOST: "adb-3.4.azuredatabricks.net" })).toEqual({
            host: "adb-3.4.azuredatabricks.net",
            azureWorkspaceResourceId: "/subscriptions/s/x",
        });
        expect(() => configFrom({ args: { authType: "databricks-cli" }, variables: {} }, {})).toThrow(/cannot authenticate with authType "databricks-cli"/);
    });

    it("unwraps the engine's secrets", () => {
        expect(withoutSecrets({ token: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "pat" } })).toEqual({ token: "pat" });
    });
});

/** A recording stand-in for a workspace: answers from `answers` by "METHOD /path", in order. */
class RecordingWorkspace {
    readonly requests: { method: string; path: string; body: any; authorization?: string }[] = [];
    readonly answers = new Map<string, { status: number; body: unknown }[]>();
    private server?: http.Server;
    url = "";

    answer(key: string, ...replies: { status: number; body: unknown }[]): this {
        this.answers.set(key, [...(this.answers.get(key) ?? []), ...replies]);
        return this;
    }

    async start(): Promise<this> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c) => chunks.push(c));
            req.on("end", () => {
                const url = new URL(req.url!, "http://x");
                const path = url.pathname.replace(/^\/[^/]+/, "");
                const text = Buffer.concat(chunks).toString();
                this.requests.push({ method: req.method!, path: `${path}${url.search}`, body: text ? JSON.parse(text) : undefined, authorization: req.headers.authorization });
                const queue = this.answers.get(`${req.method} ${path}`) ?? [];
                const reply = queue.length > 1 ? queue.shift()! : (queue[0] ?? { status: 404, body: { error_code: "ENDPOINT_NOT_FOUND", message: "no such API" } });
                res.writeHead(reply.status, { "Content-Type": "application/json", ...(reply.status === 429 ? { "Retry-After": "0.01" } : {}) }).end(JSON.stringify(reply.body));
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        await new Promise((resolve) => this.server?.close(resolve));
    }
}

describe("the provider's requests", () => {
    let workspace: RecordingWorkspace;
    const host = "adb-1111111111111111.3.azuredatabricks.net";
    const plugin = () => databricksProvider(() => ({ host: `https://${host}`, token: "pat-token" }), { pollMs: 5, env: { DATABRICKS_EMULATOR_URL: workspace.url } });
    const endpoint = { name: "ep", id: "id1", state: { config_update: "NOT_UPDATING" }, tags: [{ key: "team", value: "a" }], route_optimized: false };

    beforeEach(async () => {
        workspace = await new RecordingWorkspace().start();
    });
    afterEach(() => workspace.stop());

    it("updates only the tags a program without config changed: a PATCH against the live tags, no config PUT", async () => {
        workspace.answer("GET /api/2.0/serving-endpoints/ep", { status: 200, body: { ...endpoint, config: { served_entities: [] } } });
        workspace.answer("PATCH /api/2.0/serving-endpoints/ep/tags", { status: 200, body: { tags: [] } });
        const olds = { name: "ep", tags: [{ key: "team", value: "a" }], config: liveConfig };
        await plugin().update!("ep", servingUrn, olds, { name: "ep", tags: [{ key: "team", value: "b" }, { key: "cost", value: "x" }] });
        expect(workspace.requests.filter((r) => r.method !== "GET")).toEqual([
            {
                method: "PATCH",
                path: "/api/2.0/serving-endpoints/ep/tags",
                body: { add_tags: [{ key: "team", value: "b" }, { key: "cost", value: "x" }], delete_tags: [] },
                authorization: "Bearer pat-token",
            },
        ]);
    });

    it("waits for a new endpoint to leave IN_PROGRESS and answers servingEndpointId and endpointUrl", async () => {
        workspace.answer("POST /api/2.0/serving-endpoints", { status: 200, body: endpoint });
        workspace.answer("GET /api/2.0/serving-endpoints/ep", { status: 200, body: { ...endpoint, state: { config_update: "IN_PROGRESS" } } }, { status: 200, body: endpoint });
        const created = await plugin().create!(servingUrn, { name: "ep", tags: [{ key: "team", value: "a" }] });
        expect(created).toEqual({ id: "ep", outs: { name: "ep", tags: [{ key: "team", value: "a" }], routeOptimized: false, servingEndpointId: "id1", endpointUrl: "" } });
        expect(workspace.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/2.0/serving-endpoints", "GET /api/2.0/serving-endpoints/ep", "GET /api/2.0/serving-endpoints/ep"]);
    });

    it("deletes an endpoint whose first config failed, and says why", async () => {
        const failedEntity = { name: "blue", state: { deployment: "DEPLOYMENT_FAILED", deployment_state_message: "model failed to load" } };
        workspace.answer("POST /api/2.0/serving-endpoints", { status: 200, body: endpoint });
        workspace.answer("GET /api/2.0/serving-endpoints/ep", { status: 200, body: { ...endpoint, state: { config_update: "UPDATE_FAILED" }, pending_config: { served_entities: [failedEntity] } } });
        workspace.answer("DELETE /api/2.0/serving-endpoints/ep", { status: 200, body: {} });
        await expect(plugin().create!(servingUrn, { name: "ep", config: {} })).rejects.toThrow(
            "cannot create model serving: failed to reach NOT_UPDATING, got UPDATE_FAILED: current status: UPDATE_FAILED (blue: model failed to load)",
        );
        expect(workspace.requests.at(-1)).toMatchObject({ method: "DELETE", path: "/api/2.0/serving-endpoints/ep" });
    });

    it("surfaces Databricks' error_code and message, retries 429, and drops from the state what is gone", async () => {
        workspace.answer("POST /api/2.0/serving-endpoints", { status: 429, body: { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" } }, { status: 400, body: { error_code: "RESOURCE_ALREADY_EXISTS", message: "Endpoint with name 'ep' already exists." } });
        await expect(plugin().create!(servingUrn, { name: "ep" })).rejects.toThrow(
            "cannot create model serving: RESOURCE_ALREADY_EXISTS: Endpoint with name 'ep' already exists. (HTTP 400, POST /api/2.0/serving-endpoints)",
        );
        expect(workspace.requests).toHaveLength(2);
        workspace.answer("GET /api/2.0/serving-endpoints/gone", { status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Endpoint with name 'gone' does not exist." } });
        expect(await plugin().read!("gone", servingUrn, { name: "gone" })).toEqual({ id: "", props: {} });
    });

    it("will not call a workspace without the local Databricks' URL", async () => {
        const outside = databricksProvider(() => ({ host: `https://${host}`, token: "pat" }), { env: {} });
        await expect(outside.read!("ep", servingUrn, {})).rejects.toThrow(/DATABRICKS_EMULATOR_URL is not set/);
    });
});
