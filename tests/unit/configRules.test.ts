import { loadStackConfig } from "../../config/load";
import { StackConfigError } from "../../config/problems";
import { azureCatalog } from "../../config/azureCatalog/catalog";
import { committedStacks, projectDir, projectName, projectValues, stackConfigObject, stackConfigValues } from "../support/stackFile";

/**
 * The configuration checks that stand in for Azure's own refusals (tags, regions, sizes, endpoint
 * names), the stack file read whole, and every problem reported in one run. Real stack files and
 * model folders; no mocks.
 */

function devWith(change: (config: Record<string, any>) => void): Record<string, any> {
    const config = structuredClone(stackConfigObject("dev")) as Record<string, any>;
    change(config);
    return config;
}

function load(config: Record<string, unknown>, extra: Record<string, string> = {}, isSecret?: (key: string) => boolean, stack = "dev") {
    return loadStackConfig({ project: projectName, stack, values: { ...projectValues(config), ...extra }, projectDir, isSecret });
}

/** Every problem as `namespace:key → message`, or [] when the stack loads. */
function problemsOf(config: Record<string, unknown>, extra: Record<string, string> = {}, stack = "dev"): string[] {
    try {
        load(config, extra, undefined, stack);
        return [];
    } catch (err) {
        if (!(err instanceof StackConfigError)) throw err;
        return err.problems.map((p) => `${p.namespace ?? projectName}:${p.key}: ${p.message}`);
    }
}

function errorOf(run: () => unknown): StackConfigError {
    try {
        run();
    } catch (err) {
        if (err instanceof StackConfigError) return err;
        throw err;
    }
    throw new Error("expected a StackConfigError");
}

const tagsOfCount = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`tag-${i}`, `value-${i}`]));

describe("tag rules", () => {
    it("counts the program's own tags (managed-by, stack) against Azure's 50", () => {
        expect(problemsOf(devWith((c) => (c.tags = tagsOfCount(48))))).toEqual([]);
        expect(problemsOf(devWith((c) => (c.tags = tagsOfCount(49))))).toEqual([
            "azureml-mlflow:tags: gives every resource 51 tags with the program's own (managed-by, stack); Azure allows at most 50, so at most 48 here",
        ]);
    });

    it.each(["<", ">", "%", "&", "\\", "?", "/"])("refuses %s in a tag name, naming the tag", (character) => {
        const name = `cost${character}center`;
        expect(problemsOf(devWith((c) => (c.tags = { [name]: "x" })))).toEqual([
            `azureml-mlflow:tags.${name}: has "${character}" in its name; tag names may not contain < > % & \\ ? /`,
        ]);
    });

    it("holds tag names to the storage account's 128 characters, since the storage account gets them", () => {
        expect(problemsOf(devWith((c) => (c.tags = { ["n".repeat(128)]: "x" })))).toEqual([]);
        expect(problemsOf(devWith((c) => (c.tags = { ["n".repeat(129)]: "x" })))).toEqual([
            expect.stringContaining("has a 129-character name; allowed: at most 128 (Azure allows 512, but only 128 on storage accounts"),
        ]);
    });

    it("allows tag values up to 256 characters", () => {
        expect(problemsOf(devWith((c) => (c.tags = { owner: "v".repeat(256) })))).toEqual([]);
        expect(problemsOf(devWith((c) => (c.tags = { owner: "v".repeat(257) })))).toEqual([
            "azureml-mlflow:tags.owner: has a 257-character value; allowed: at most 256",
        ]);
    });

    it("refuses names Azure sees as one tag: case twins, and the program's own tags", () => {
        expect(problemsOf(devWith((c) => (c.tags = { Owner: "a", owner: "b", Stack: "c" })))).toEqual([
            'azureml-mlflow:tags.owner: is the same tag as "Owner" to Azure (tag names ignore case); keep one',
            'azureml-mlflow:tags.Stack: is set by the program on every resource ("stack"); choose another tag name',
        ]);
    });
});

describe("regions, VM sizes and instance types", () => {
    it("refuses a misspelt region with the nearest known names", () => {
        expect(problemsOf(devWith((c) => (c.location = "westeurpoe")))).toEqual([
            expect.stringMatching(/^azureml-mlflow:location: is not a region of the Azure public cloud \(azure-native:environment\); did you mean "westeurope"\? Regions: config\/azureCatalog\/regions\.json \(as of \d{4}-\d{2}-\d{2}\); for a region newer than the list set allowUnlistedLocation: true$/),
        ]);
        expect(problemsOf(devWith((c) => (c.location = "West Europe")))).toEqual([expect.stringContaining('did you mean "westeurope"?')]);
    });

    it("checks the region against the stack's own Azure cloud", () => {
        const china = { "azure-native:environment": "china" };
        expect(problemsOf(devWith((c) => (c.location = "chinanorth3")), china)).toEqual([]);
        expect(problemsOf(devWith((c) => (c.location = "westeurope")), china)).toEqual([
            expect.stringMatching(/^azureml-mlflow:location: is not a region of the Azure china cloud/),
        ]);
        expect(problemsOf(devWith((c) => (c.location = "chinanorth3")))).toEqual([expect.stringContaining("Azure public cloud")]);
    });

    it("refuses compute VM sizes and endpoint instance types that are not offered, with suggestions", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.computeCluster.vmSize = "Standard_DS2v2";
                c.onlineEndpoint.deployments[1].instanceType = "DS3_v2";
            }),
        );
        expect(problems).toEqual([
            expect.stringMatching(/^azureml-mlflow:computeCluster\.vmSize: is not a VM size Azure ML compute clusters offer; did you mean "Standard_DS2_v2".*computeCluster\.allowUnlistedVmSize: true$/),
            expect.stringMatching(
                /^azureml-mlflow:onlineEndpoint\.deployments\[1\]\.instanceType: is not an instance type managed online endpoints support; did you mean "Standard_DS3_v2".*onlineEndpoint\.deployments\[1\]\.allowUnlistedInstanceType: true$/,
            ),
        ]);
    });

    it("accepts a size newer than the lists when the key's override is set", () => {
        const newer = "Standard_NX96ads_v9";
        expect(azureCatalog().computeVmSizes.items).not.toContain(newer);
        const config = devWith((c) => {
            c.computeCluster.vmSize = newer;
            c.computeCluster.allowUnlistedVmSize = true;
            c.onlineEndpoint.deployments[0].instanceType = newer;
            c.onlineEndpoint.deployments[0].allowUnlistedInstanceType = true;
            c.location = "marsnorth";
            c.allowUnlistedLocation = true;
        });
        expect(problemsOf(config)).toEqual([]);
        // The override is per key: the other deployment is still checked.
        config.onlineEndpoint.deployments[1].instanceType = newer;
        expect(problemsOf(config)).toEqual([expect.stringMatching(/^azureml-mlflow:onlineEndpoint\.deployments\[1\]\.instanceType: is not/)]);
    });

    it("commits each list with its source, date and refresh command", () => {
        const { regions, computeVmSizes, onlineEndpointSkus } = azureCatalog();
        for (const list of [regions, computeVmSizes, onlineEndpointSkus]) {
            expect(list.source).toMatch(/\S/);
            expect(list.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            expect(list.refresh).toMatch(/\baz\b/);
        }
        expect(regions.items.public).toContain("westeurope");
        expect(onlineEndpointSkus.items).toEqual(expect.arrayContaining(["Standard_DS2_v2", "Standard_DS3_v2"]));
    });
});

describe("endpoint names", () => {
    it("refuses an online and a batch endpoint with the same name (one namespace per region)", () => {
        expect(problemsOf(devWith((c) => (c.batchEndpoint.name = "Diabetes")))).toEqual([
            expect.stringMatching(/^azureml-mlflow:batchEndpoint\.name: is also onlineEndpoint\.name; online and batch endpoint names share one namespace per region/),
        ]);
    });

    it("accepts a 32-character endpoint name (25 characters and the 7 of the suffix)", () => {
        const name = "d".repeat(25);
        expect(problemsOf(devWith((c) => (c.onlineEndpoint.name = name)))).toEqual([]);
        expect(problemsOf(devWith((c) => (c.onlineEndpoint.name = `${name}d`)))).toEqual([
            expect.stringContaining("is 33 characters; allowed: 3-32"),
        ]);
    });

    it("accepts a stack with neither endpoint", () => {
        const config = devWith((c) => {
            delete c.onlineEndpoint;
            delete c.batchEndpoint;
        });
        expect(load(config).config.onlineEndpoint).toBeUndefined();
    });
});

describe("every problem at once", () => {
    it("runs the rules about other keys when one value has the wrong type", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.computeCluster.maxNodes = "2";
                c.onlineEndpoint.traffic = { blue: 60 };
                c.onlineEndpoint.deployments[0].model = "diabetes-classifier:7";
                c.batchEndpoint.defaultDeployment = "nope";
                c.production = true;
            }),
        );
        expect(problems).toEqual([
            "azureml-mlflow:computeCluster.maxNodes: must be a whole number >= 1",
            "azureml-mlflow:onlineEndpoint.traffic: weights sum to 60; they must sum to 100 (or all be 0)",
            "azureml-mlflow:onlineEndpoint.deployments[0].model: names no model version in models; declared: diabetes-classifier:1, diabetes-classifier:2",
            "azureml-mlflow:batchEndpoint.defaultDeployment: names a deployment that is not declared; declared: classifier-v2",
            "azureml-mlflow:protectResources: must be true when production is true (stateful resources must be protected)",
            "azureml-mlflow:workspace.keyVaultPurgeProtection: must be true when production is true",
            expect.stringMatching(/^azureml-mlflow:onlineEndpoint\.authMode: must be "AADToken" or "AMLToken" when production is true/),
            "azureml-mlflow:onlineEndpoint.deployments[0].instanceCount: must be at least 3 when production is true",
            "azureml-mlflow:onlineEndpoint.deployments[1].instanceCount: must be at least 3 when production is true",
        ]);
    });

    it("draws no conclusion from a value it could not read (the batch size check needs maxNodes)", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.computeCluster.maxNodes = "2";
                c.batchEndpoint.deployments[0].instanceCount = 9;
            }),
        );
        expect(problems).toEqual(["azureml-mlflow:computeCluster.maxNodes: must be a whole number >= 1"]);
    });

    it("keeps a bad list entry from hiding the checks on the other entries", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.production = true;
                c.protectResources = true;
                c.workspace.keyVaultPurgeProtection = true;
                c.onlineEndpoint.authMode = "AADToken";
                c.onlineEndpoint.deployments[0].instanceCount = "three";
            }),
        );
        expect(problems).toEqual([
            "azureml-mlflow:onlineEndpoint.deployments[0].instanceCount: must be a whole number >= 1",
            "azureml-mlflow:onlineEndpoint.deployments[1].instanceCount: must be at least 3 when production is true",
        ]);
    });

    it("in prod, a misspelt authMode is reported and so is the guard its default breaks", () => {
        const config = structuredClone(stackConfigObject("prod")) as Record<string, any>;
        delete config.onlineEndpoint.authMode;
        config.onlineEndpoint.authmode = "AADToken";
        const problems = problemsOf(config, {}, "prod");
        expect(problems).toEqual([
            'azureml-mlflow:onlineEndpoint.authmode: is not a known key; did you mean "authMode"? Keys allowed here: name, authMode, publicNetworkAccess, deployments, traffic, mirrorTraffic, trafficTimeoutSeconds, rollout (documented in Pulumi.yaml)',
            expect.stringMatching(/^azureml-mlflow:onlineEndpoint\.authMode: must be "AADToken" or "AMLToken" when production is true .*"Key" is also what an unset authMode means$/),
        ]);
    });

    it("reports problems of every class from one file in one error", () => {
        const error = errorOf(() =>
            load(
                devWith((c) => {
                    c.tags = { "cost/center": "x" };
                    c.location = "westeurpoe";
                    c.computeCluster.vmSize = "Standard_DS2v2";
                    c.computeCluster.maxNodes = "2";
                    c.batchEndpoint.name = "diabetes";
                }),
                { "azureml-mlflw:smokeTest": '{"enabled":false}' },
            ),
        );
        expect(error.problems.map((p) => `${p.namespace ?? projectName}:${p.key}`)).toEqual([
            "azureml-mlflow:computeCluster.maxNodes",
            "azureml-mlflw:smokeTest",
            "azureml-mlflow:location",
            "azureml-mlflow:tags.cost/center",
            "azureml-mlflow:computeCluster.vmSize",
            "azureml-mlflow:batchEndpoint.name",
        ]);
        expect(error.message).toMatch(/^Pulumi\.dev\.yaml has 6 configuration problems:\n/);
        expect(error.message).toContain('Pulumi.dev.yaml: azureml-mlflow:location = "westeurpoe": is not a region');
    });
});

describe("the stack file read whole", () => {
    it("refuses a key in a namespace nothing reads, suggesting the project's", () => {
        expect(problemsOf(devWith(() => {}), { "azureml-mlflw:smokeTest": '{"enabled":false}' })).toEqual([
            'azureml-mlflw:smokeTest: is in namespace "azureml-mlflw", which nothing in this program reads; did you mean "azureml-mlflow"? Namespaces read: azureml-mlflow (this project), azure-native, pulumi',
        ]);
    });

    it("refuses an unknown azure-native key with the nearest one, and leaves pulumi's namespace alone", () => {
        expect(problemsOf(devWith(() => {}), { "azure-native:subscriptionID": "x", "pulumi:disable-default-providers": '["*"]' })).toEqual([
            expect.stringMatching(/^azure-native:subscriptionID: is not a key of the azure-native provider; did you mean "subscriptionId"\? Its keys: .*\blocation\b/),
        ]);
    });

    it("suggests the nearest known key for a misspelt one, at any depth", () => {
        expect(
            problemsOf(
                devWith((c) => {
                    c.smokeTets = { enabled: false };
                    c.onlineEndpoint.deployments[0].instanceCout = 2;
                }),
            ),
        ).toEqual([
            expect.stringMatching(/^azureml-mlflow:onlineEndpoint\.deployments\[0\]\.instanceCout: is not a known key; did you mean "instanceCount"\? Keys allowed here: name, model, instanceType, /),
            expect.stringMatching(/^azureml-mlflow:smokeTets: is not a known key of this project; did you mean "smokeTest"\? Keys allowed here: platform, location, /),
        ]);
    });

    it("never shows a secret's value", () => {
        const error = errorOf(() =>
            load(devWith(() => {}), { "azure-native:clientSecert": "hunter2-very-secret" }, (key) => key === "azure-native:clientSecert"),
        );
        expect(error.message).toContain("azure-native:clientSecert = [secret]: is not a key of the azure-native provider; did you mean \"clientSecret\"?");
        expect(error.message).not.toContain("hunter2");
    });
});

describe("valid configurations", () => {
    it.each(committedStacks)("accepts the committed %s stack as Pulumi hands it over", (stack) => {
        expect(() => loadStackConfig({ project: projectName, stack, values: stackConfigValues(stack), projectDir })).not.toThrow();
    });

    it("accepts 50 tags in all (48 of the stack's and the program's 2)", () => {
        expect(load(devWith((c) => (c.tags = tagsOfCount(48)))).config.tags).toEqual(tagsOfCount(48));
    });
});
