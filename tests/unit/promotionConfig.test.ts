import { loadStackConfig } from "../../config/load";
import { StackConfigError } from "../../config/problems";
import { parseRegistryModel } from "../../config/registryModels";
import { projectDir, projectName, projectValues, stackConfigObject } from "../support/stackFile";

/** The configuration of promotion through a registry, on the committed prod stack; no mocks. */

const asset = (version: number, registry = "mlflowplatreg") => `azureml://registries/${registry}/models/diabetes-classifier/versions/${version}`;

function prodWith(change: (config: Record<string, any>) => void): Record<string, any> {
    const config = structuredClone(stackConfigObject("prod")) as Record<string, any>;
    config.registry = { name: "mlflowplatreg", locations: ["westeurope", "northeurope"] };
    change(config);
    return config;
}

function problemsOf(config: Record<string, unknown>): string[] {
    try {
        loadStackConfig({ project: projectName, stack: "prod", values: projectValues(config), projectDir });
        return [];
    } catch (err) {
        if (!(err instanceof StackConfigError)) throw err;
        return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

describe("promotion through a registry in the stack file", () => {
    it("accepts a registry and deployments of its versions by asset id, with promotion from dev", () => {
        expect(
            problemsOf(
                prodWith((c) => {
                    c.promotion = { fromStack: "dev" };
                    c.onlineEndpoint.deployments[0].model = asset(1);
                    c.onlineEndpoint.deployments[1].model = asset(2);
                    c.batchEndpoint.deployments[0].model = asset(2);
                }),
            ),
        ).toEqual([]);
    });

    it("with promotion, refuses a deployment serving a folder version, naming the command that promotes it", () => {
        expect(problemsOf(prodWith((c) => (c.promotion = { fromStack: "dev" })))).toEqual([
            expect.stringMatching(/^onlineEndpoint\.deployments\[0\]\.model: must be a version of the registry when promotion is set: promote it \(npm run promote -- --model diabetes-classifier:1 --from dev/),
            expect.stringMatching(/^onlineEndpoint\.deployments\[1\]\.model: must be a version of the registry/),
            expect.stringMatching(/^batchEndpoint\.deployments\[0\]\.model: must be a version of the registry/),
        ]);
    });

    it("refuses a registry the stack does not declare, a bad registry name and a region listed twice or unknown", () => {
        const problems = problemsOf(
            prodWith((c) => {
                c.registry = { name: "r", locations: ["westeurope", "westeurope", "atlantis"] };
                c.onlineEndpoint.deployments[1].model = asset(2, "elsewhere");
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                "registry.name: must be 3-33 characters: letters, digits, '-' and '_', starting with a letter or digit",
                "registry.locations[1]: is listed twice",
                expect.stringMatching(/^registry\.locations\[2\]: is not a region of the Azure public cloud/),
                "onlineEndpoint.deployments[1].model: names registry elsewhere, which this stack does not declare (registry.name: r)",
            ]),
        );
    });

    it("reads a registry asset id as the registry, the model and its version", () => {
        expect(parseRegistryModel(asset(2))).toEqual({ registry: "mlflowplatreg", name: "diabetes-classifier", version: 2, key: "diabetes-classifier:2" });
        expect(parseRegistryModel("diabetes-classifier:2")).toBeUndefined();
    });
});
