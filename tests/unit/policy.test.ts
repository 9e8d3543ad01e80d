import * as fs from "fs";
import * as path from "path";
import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { computeScalesDown } from "../../policy/policies/computeScalesDown";
import { keyVaultPurgeProtection } from "../../policy/policies/keyVaultPurgeProtection";
import { keyVaultRbac } from "../../policy/policies/keyVaultRbac";
import { mirrorTrafficLimits } from "../../policy/policies/mirrorTrafficLimits";
import { nonProductionComputeMinZero } from "../../policy/policies/nonProductionComputeMinZero";
import { onlineDeploymentTimeoutsAndProbes } from "../../policy/policies/onlineDeploymentTimeoutsAndProbes";
import { productionInstanceCount } from "../../policy/policies/productionInstanceCount";
import { productionNoKeyAuth } from "../../policy/policies/productionNoKeyAuth";
import { registryAdminDisabled } from "../../policy/policies/registryAdminDisabled";
import { storageSecureTransport } from "../../policy/policies/storageSecureTransport";
import { trafficSumsTo100 } from "../../policy/policies/trafficSumsTo100";
import { types } from "../../policy/policies/resourceTypes";
import { runProgram } from "../support/program";
import { committedStacks, projectDir, stackConfigValues } from "../support/stackFile";

/** Runs one policy on one resource, as the policy engine would, and returns its violations. */
function violations(policy: ResourceValidationPolicy, type: string, props: Record<string, any>, name = "r"): string[] {
    const found: string[] = [];
    const validate = ([] as any[]).concat(policy.validateResource);
    const args = {
        type,
        props,
        urn: `urn:pulumi:test::azureml-mlflow::${type}::${name}`,
        name,
        opts: {},
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => ({}),
        notApplicable: () => undefined,
    };
    for (const fn of validate) fn(args, (message: string) => found.push(message));
    return found;
}

const deployment = (capacity: number, extra: Record<string, any> = {}) => ({
    deploymentName: "blue",
    sku: { name: "Default", capacity },
    properties: {
        requestSettings: { requestTimeout: "PT5S" },
        livenessProbe: { period: "PT10S" },
        readinessProbe: { period: "PT10S" },
        ...extra,
    },
});
const compute = (scale: Record<string, any>) => ({ properties: { computeType: "AmlCompute", properties: { scaleSettings: scale } } });

describe("policy pack: each policy rejects a violating resource and accepts a compliant one", () => {
    const cases: [ResourceValidationPolicy, string, Record<string, any>, Record<string, any>, RegExp][] = [
        [trafficSumsTo100, types.onlineTraffic, { settings: { traffic: { blue: 90, green: 10 } } }, { settings: { traffic: { blue: 90, green: 20 } } }, /sums to 110/],
        [trafficSumsTo100, types.onlineEndpoint, { properties: { authMode: "Key" } }, { properties: { traffic: { blue: 50 } } }, /sums to 50/],
        [mirrorTrafficLimits, types.onlineTraffic, { settings: { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 50 } } }, { settings: { traffic: { blue: 100 }, mirrorTraffic: { green: 60 } } }, /at most 50%/],
        [mirrorTrafficLimits, types.onlineTraffic, { settings: { traffic: { blue: 100 }, mirrorTraffic: {} } }, { settings: { traffic: { blue: 90, green: 10 }, mirrorTraffic: { green: 10 } } }, /both live traffic/],
        [productionInstanceCount, types.onlineDeployment, deployment(3), deployment(1), /runs 1 instance\(s\); production needs at least 3/],
        [productionNoKeyAuth, types.onlineEndpoint, { properties: { authMode: "AADToken" } }, { properties: { authMode: "Key" } }, /uses Key authentication/],
        [productionNoKeyAuth, types.platformOnlineEndpoint, { properties: { authMode: "AMLToken" } }, { properties: { authMode: "Key" } }, /uses Key authentication/],
        [storageSecureTransport, types.storageAccount, { enableHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false }, { enableHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_0", allowBlobPublicAccess: true }, /TLS1_0.*TLS1_2/],
        [keyVaultRbac, types.keyVault, { properties: { enableRbacAuthorization: true } }, { properties: { enableRbacAuthorization: false } }, /enableRbacAuthorization must be true/],
        [keyVaultPurgeProtection, types.keyVault, { properties: { enablePurgeProtection: true, enableSoftDelete: true } }, { properties: {} }, /enablePurgeProtection must be true/],
        [registryAdminDisabled, types.containerRegistry, { adminUserEnabled: false }, { adminUserEnabled: true }, /adminUserEnabled must be false/],
        [computeScalesDown, types.compute, compute({ nodeIdleTimeBeforeScaleDown: "PT120S" }), compute({}), /nodeIdleTimeBeforeScaleDown is not set/],
        [computeScalesDown, types.compute, compute({ nodeIdleTimeBeforeScaleDown: "PT3600S" }), compute({ nodeIdleTimeBeforeScaleDown: "PT86400S" }), /kept for 86400 s/],
        [nonProductionComputeMinZero, types.compute, compute({ minNodeCount: 0 }), compute({ minNodeCount: 2 }), /minNodeCount is 2/],
        [onlineDeploymentTimeoutsAndProbes, types.onlineDeployment, deployment(1), { deploymentName: "green", properties: { requestSettings: {} } }, /green sets no requestSettings.requestTimeout/],
    ];

    it.each(cases.map((c) => [c[0].name, ...c] as const))("%s (case %#)", (_name, policy, type, compliant, violating, message) => {
        expect(violations(policy, type, compliant)).toEqual([]);
        const found = violations(policy, type, violating);
        expect(found.length).toBeGreaterThan(0);
        expect(found.join("\n")).toMatch(message);
    });

    it("ignores resources a policy is not about", () => {
        for (const policy of policies) expect(violations(policy, "azure-native:resources:ResourceGroup", { location: "westeurope" })).toEqual([]);
    });

    it("names every policy uniquely", () => {
        expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    });
});

describe("policy pack configuration per stack", () => {
    const levels: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
    const configFor = (stack: string) =>
        JSON.parse(fs.readFileSync(path.join(projectDir, "policy", "config", `${stack}.json`), "utf8")) as Record<string, EnforcementLevel>;

    it.each(committedStacks)("policy/config/%s.json sets a valid level for exactly the pack's policies", (stack) => {
        const config = configFor(stack);
        expect(Object.keys(config).sort()).toEqual(policies.map((p) => p.name).sort());
        for (const level of Object.values(config)) expect(levels).toContain(level);
    });

    it("turns the production policies on for prod only, and the zero-minimum-nodes policy off for prod", () => {
        expect(configFor("prod")["prod-online-deployment-min-instances"]).toBe("mandatory");
        expect(configFor("dev")["prod-online-deployment-min-instances"]).toBe("disabled");
        expect(configFor("prod")["nonprod-compute-min-zero-nodes"]).toBe("disabled");
        expect(configFor("dev")["nonprod-compute-min-zero-nodes"]).toBe("mandatory");
    });

    it.each(committedStacks)("the %s stack passes every policy its config enables", async (stack) => {
        const config = configFor(stack);
        const { mocks } = await runProgram(stackConfigValues(stack), stack);
        const found: string[] = [];
        for (const policy of policies.filter((p) => config[p.name] !== "disabled")) {
            for (const resource of mocks.resources) {
                found.push(...violations(policy, resource.type, resource.inputs, resource.name).map((v) => `${policy.name} on ${resource.name}: ${v}`));
            }
        }
        expect(found).toEqual([]);
    });

    it("would stop dev's settings from reaching prod", async () => {
        const config = configFor("prod");
        const { mocks } = await runProgram(stackConfigValues("dev"), "dev");
        const blocked = new Set<string>();
        for (const policy of policies.filter((p) => config[p.name] === "mandatory")) {
            for (const resource of mocks.resources) if (violations(policy, resource.type, resource.inputs).length > 0) blocked.add(policy.name);
        }
        expect([...blocked].sort()).toEqual(["prod-key-vault-purge-protection", "prod-online-deployment-min-instances", "prod-online-endpoint-no-key-auth"]);
    });
});
