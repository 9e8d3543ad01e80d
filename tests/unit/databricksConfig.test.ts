import { loadStackConfig } from "../../config/load";
import { StackConfigError } from "../../config/problems";
import { projectDir, projectName, projectValues, stackConfigObject } from "../support/stackFile";

/** The checks of a stack with platform: databricks, on the committed databricks-dev stack; no mocks. */

function stackWith(change: (config: Record<string, any>) => void): Record<string, any> {
    const config = structuredClone(stackConfigObject("databricks-dev")) as Record<string, any>;
    change(config);
    return config;
}

function problemsOf(config: Record<string, unknown>): string[] {
    try {
        loadStackConfig({ project: projectName, stack: "databricks-dev", values: projectValues(config), projectDir });
        return [];
    } catch (err) {
        if (!(err instanceof StackConfigError)) throw err;
        return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

const serving = (c: Record<string, any>) => c.databricks.servingEndpoint;

describe("a Databricks stack's configuration", () => {
    it("accepts the committed databricks-dev stack, reading its request in MLflow's scoring format", () => {
        expect(problemsOf(stackWith(() => undefined))).toEqual([]);
    });

    it("reports every Databricks problem at once, each naming its key", () => {
        const problems = problemsOf(
            stackWith((c) => {
                c.databricks.workspace.sku = "standard";
                c.location = "westindia";
                c.databricks.experiment = "Shared/penguins";
                c.databricks.cluster.autoterminationMinutes = 5;
                c.databricks.cluster.sparkVersion = "15.4.x-scala2.12";
                serving(c).mirrorTraffic = { green: 10 };
                serving(c).routes = { blue: 90, purple: 5 };
                serving(c).servedEntities.push({ name: "Blue", model: "Penguin Predictor:7" });
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                'databricks.workspace.sku: must be "premium": Model Serving needs a premium workspace',
                expect.stringMatching(/^location: is not a region with Azure Databricks Model Serving.*databricksServingRegions\.json/),
                "databricks.experiment: must be an absolute workspace path, starting with / (e.g. /Shared/penguins)",
                "databricks.cluster.autoterminationMinutes: must be 0 (never) or from 10 to 10000",
                expect.stringMatching(/^databricks\.cluster\.sparkVersion: must be a Databricks Runtime for Machine Learning/),
                expect.stringMatching(/^databricks\.servingEndpoint\.mirrorTraffic: is not allowed: Databricks Model Serving has no mirror/),
                expect.stringMatching(/^databricks\.servingEndpoint\.routes\.purple: names no served entity/),
                expect.stringMatching(/^databricks\.servingEndpoint\.routes: has no route for green, Blue/),
                "databricks.servingEndpoint.routes: percentages sum to 95; they must sum to 100",
                expect.stringMatching(/^databricks\.servingEndpoint\.servedEntities\[2\]\.name: must be 1-63 characters: lowercase/),
                expect.stringMatching(/^databricks\.servingEndpoint\.servedEntities\[2\]\.model: names no model version in models/),
            ]),
        );
        expect(problems).toHaveLength(11);
    });

    it("keeps each platform's keys to its platform", () => {
        expect(problemsOf(stackWith((c) => (c.computeCluster = { name: "cpu", maxNodes: 1 })))).toEqual([
            'computeCluster: is an Azure Machine Learning setting; with platform "databricks" the stack declares no Azure ML workspace (remove it, or set platform: azureml)',
        ]);
        expect(problemsOf(stackWith((c) => delete c.databricks))).toEqual(["databricks: is required when platform is databricks"]);
        const dev = structuredClone(stackConfigObject("dev")) as Record<string, any>;
        delete dev.computeCluster;
        expect(problemsOf(dev)).toEqual(["computeCluster: is required when platform is azureml"]);
    });

    it("serves at most 10 entities, and models registered from this repository's folders only", () => {
        const problems = problemsOf(
            stackWith((c) => {
                serving(c).servedEntities = Array.from({ length: 11 }, (_, i) => ({ name: `e${i}`, model: "Penguin Predictor:1" }));
                serving(c).routes = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`e${i}`, i === 0 ? 100 : 0]));
                c.models[1] = { name: "Penguin Predictor", version: 2 };
            }),
        );
        expect(problems).toEqual([
            expect.stringMatching(/^models\[1\]\.path: must be a model folder of this repository on Databricks/),
            "databricks.servingEndpoint.servedEntities: lists 11 entities; an endpoint serves at most 10",
        ]);
    });

    it("holds production to its guards: no scale-to-zero with traffic, no CAN_MANAGE for all users, protection on", () => {
        const problems = problemsOf(
            stackWith((c) => {
                c.production = true;
                serving(c).permissions.push({ group: "users", level: "CAN_MANAGE" });
            }),
        );
        expect(problems.sort()).toEqual([
            expect.stringMatching(/^databricks\.servingEndpoint\.permissions\[1\]: must not grant CAN_MANAGE to all users \(group users\) when production is true/),
            expect.stringMatching(/^databricks\.servingEndpoint\.servedEntities\[0\]\.scaleToZero: must be false when production is true for an entity with live traffic/),
            "protectResources: must be true when production is true (stateful resources must be protected)",
        ]);
    });

    it("reads the request as MLflow's scoring server does: exactly one input field", () => {
        const problems = problemsOf(stackWith((c) => (c.smokeTest.requestFile = "sample-request.json")));
        expect(problems).toEqual([expect.stringMatching(/^smokeTest\.requestFile: .*sample-request\.json is not an MLflow scoring request: it has none of dataframe_split, dataframe_records, instances, inputs/)]);
    });
});
