import { entityStepRoutes } from "../../runtime/databricks/servingConfigProvider";
import { LiveConfig, ServedEntitySpec, configBody, liveConfigOf } from "../../runtime/databricks/servingConfig";
import { parseMetricsText, windowBetween } from "../../runtime/databricks/servingMetrics";

const entity = (name: string, version: string): ServedEntitySpec => ({ name, entityName: "Penguin Predictor", entityVersion: version, workloadSize: "Small", scaleToZero: false });
const live = (entities: ServedEntitySpec[], routes: Record<string, number>): LiveConfig => ({ entities, routes, configUpdate: "NOT_UPDATING" });
const inputs = (entities: ServedEntitySpec[], routes: Record<string, number>, rollout?: Record<string, unknown>) =>
    ({ workspaceUrl: "adb-1.1.azuredatabricks.net", endpointName: "ep", servedEntities: entities, routes, timeoutSeconds: 60, rollout }) as never;

describe("the entities step of a serving config update", () => {
    it("brings a new entity in at 0%, the others keeping their live routes", () => {
        const before = live([entity("blue", "1")], { blue: 100 });
        expect(entityStepRoutes(before, inputs([entity("blue", "1"), entity("green", "2")], { blue: 50, green: 50 }))).toEqual({ blue: 100, green: 0 });
    });

    it("takes a changed entity (another model under the same name) to 0%, its share to the unchanged entity that serves", () => {
        const before = live([entity("blue", "1"), entity("green", "2")], { blue: 50, green: 50 });
        expect(entityStepRoutes(before, inputs([entity("blue", "1"), entity("green", "3")], { blue: 50, green: 50 }))).toEqual({ blue: 100, green: 0 });
    });

    it("lets a changed entity keep its share when no unchanged entity serves (the endpoint must answer)", () => {
        const before = live([entity("blue", "1")], { blue: 100 });
        expect(entityStepRoutes(before, inputs([entity("blue", "2")], { blue: 100 }))).toEqual({ blue: 100 });
    });

    it("starts a new endpoint at the rollout's starting point, or the declared routes without one", () => {
        const entities = [entity("blue", "1"), entity("green", "2")];
        expect(entityStepRoutes(live([], {}), inputs(entities, { blue: 90, green: 10 }, { enabled: true, steps: [5] }))).toEqual({ blue: 100, green: 0 });
        expect(entityStepRoutes(live([], {}), inputs(entities, { blue: 90, green: 10 }))).toEqual({ blue: 90, green: 10 });
    });
});

describe("the serving config on the wire", () => {
    it("sends every entity with a route (0 for an entity only called directly) and reads the same back", () => {
        const body = configBody([entity("blue", "1"), entity("green", "2")], { blue: 100 });
        expect(body.traffic_config).toEqual({ routes: [{ served_model_name: "blue", traffic_percentage: 100 }, { served_model_name: "green", traffic_percentage: 0 }] });
        const back = liveConfigOf({ config: body, state: { config_update: "NOT_UPDATING" } });
        expect(back.entities).toEqual([entity("blue", "1"), entity("green", "2")]);
        expect(back.routes).toEqual({ blue: 100, green: 0 });
    });
});

describe("the metrics export", () => {
    const reading = (requests: number, e4: number, buckets: Record<string, number>) =>
        [
            `request_count_total{served_entity_name="green"} ${requests}`,
            `request_4xx_count_total{served_entity_name="green"} ${e4}`,
            `request_5xx_count_total{served_entity_name="green"} 0`,
            ...Object.entries(buckets).map(([le, n]) => `request_latency_ms_bucket{served_entity_name="green",le="${le}"} ${n}`),
        ].join("\n");

    it("judges a window by the difference of two readings: requests, 4xx and 5xx as failures, p95 from the histogram", () => {
        const start = parseMetricsText(reading(10, 0, { "5": 5, "10": 10, "25": 10, "+Inf": 10 })).green;
        const end = parseMetricsText(reading(30, 4, { "5": 5, "10": 20, "25": 29, "+Inf": 30 })).green;
        expect(windowBetween(start, end)).toEqual({ requests: 20, serverErrors: 4, p95Ms: 25 });
    });

    it("reads an entity with no series as a window without requests", () => {
        expect(windowBetween(undefined, undefined)).toEqual({ requests: 0, serverErrors: 0 });
    });
});
