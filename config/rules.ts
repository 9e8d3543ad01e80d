import { inspectMlflowModelFolder } from "./folders/mlmodelFolder";
import { platformNameProblems } from "./naming/names";
import { nameProblem, namingRules } from "./naming/rules";
import { modelVersionKey } from "./modelVersionKey";
import { trafficProblems } from "./azureRules/trafficRules";
import { batchProblems } from "./azureRules/batchRules";
import { listFolderFiles } from "./folders/folderContent";
import { RequestFiles } from "./requestFiles";
import { modelFolders } from "./modelFolders";
import { modelSourceOf } from "./modelSources";
import { Problem } from "./problems";
import { ConfigRule, RuleScope, runRules } from "./ruleRunner";
import type { RuleContext } from "./ruleContext";
import { RolloutConfig, StackConfig } from "./schema";
import { regionProblem, vmSizeProblem } from "./azureCatalog/catalogRules";
import { stackTagProblems } from "./azureRules/tagRules";
import { databricksRules, platformRules } from "./databricks/rules";
import { modelReferenceProblem } from "./modelReferences";
import { registryRules } from "./azureRules/registryRules";

export type { RuleContext } from "./ruleContext";

/**
 * Rules that span keys or look outside the stack file (names and offers Azure will check, model
 * folders on disk, production guards). They run on every part of the configuration that parsed,
 * even when another part did not (see ruleRunner.ts), so all problems come back in one run.
 */
export function configProblems(
    config: StackConfig,
    invalidPaths: readonly (readonly PropertyKey[])[],
    context: RuleContext,
): Problem[] {
    return runRules(stackRules(context), config, invalidPaths);
}

function stackRules(context: RuleContext): ConfigRule<StackConfig>[] {
    return [
        ...platformRules,
        ...databricksRules(context),
        prefixRule,
        resourceGroupRule,
        (config) => locationRule(config, context),
        tagRule,
        computeClusterNameRule,
        computeClusterSizeRule,
        (config) => computeVmSizeRule(config, context),
        (config, check) => modelFolderRules(config, check, context.projectDir),
        duplicateModelRule,
        onlineEndpointRule,
        (config, check) => onlineDeploymentRules(config, check, context),
        (config) => batchEndpointRule(config, context.projectDir),
        batchDeploymentRules,
        endpointNamesDifferRule,
        (config) => rolloutRules(config, context.requests),
        (config, check) => smokeTestRules(config, check, context),
        ...productionRules,
        ...registryRules(context),
    ];
}

const prefixRule: ConfigRule<StackConfig> = (config) =>
    platformNameProblems(config.prefix).map((message) => ({ key: "prefix", value: config.prefix, message: `derived ${message}` }));

const resourceGroupRule: ConfigRule<StackConfig> = (config) => {
    if (config.resourceGroupName === undefined) return [];
    const problem = nameProblem(namingRules.resourceGroup, config.resourceGroupName);
    return problem ? [{ key: "resourceGroupName", value: config.resourceGroupName, message: problem }] : [];
};

function locationRule(config: StackConfig, context: RuleContext): Problem[] {
    if (config.allowUnlistedLocation || context.cloud === undefined) return [];
    const problem = regionProblem(context.catalog, context.cloud, config.location);
    return problem ? [{ key: "location", value: config.location, message: problem }] : [];
}

const tagRule: ConfigRule<StackConfig> = (config) => stackTagProblems(config.tags);

const computeClusterNameRule: ConfigRule<StackConfig> = (config) => {
    if (!config.computeCluster) return [];
    const problem = nameProblem(namingRules.computeCluster, config.computeCluster.name);
    return problem ? [{ key: "computeCluster.name", value: config.computeCluster.name, message: problem }] : [];
};

const computeClusterSizeRule: ConfigRule<StackConfig> = ({ computeCluster: cluster }) =>
    cluster && cluster.minNodes > cluster.maxNodes
        ? [{ key: "computeCluster.minNodes", value: cluster.minNodes, message: `must not exceed computeCluster.maxNodes (${cluster.maxNodes})` }]
        : [];

function computeVmSizeRule({ computeCluster: cluster }: StackConfig, context: RuleContext): Problem[] {
    if (!cluster || cluster.allowUnlistedVmSize) return [];
    const problem = vmSizeProblem(
        context.catalog.computeVmSizes,
        "computeVmSizes.json",
        cluster.vmSize,
        "a VM size Azure ML compute clusters offer",
        "computeCluster.allowUnlistedVmSize",
    );
    return problem ? [{ key: "computeCluster.vmSize", value: cluster.vmSize, message: problem }] : [];
}

function modelFolderRules(config: StackConfig, check: RuleScope, projectDir: string): Problem[] {
    return check.each(config.models, (model, i) => {
        const problems: Problem[] = [];
        // Databricks' workspace registry names models its own way (./databricks/rules.ts).
        const nameIssue = config.platform === "azureml" ? nameProblem(namingRules.asset, model.name) : undefined;
        if (nameIssue) problems.push({ key: `models[${i}].name`, value: model.name, message: nameIssue });
        const source = modelSourceOf(model, projectDir);
        if (source === undefined) {
            problems.push({ key: `models[${i}].path`, value: model.path, message: "is not a run's model: write runs:/<run_id>/<path> (or azureml://jobs/<job>/outputs/artifacts/paths/<path>)" });
        } else if (source.kind === "registered") {
            // The version exists already, registered by someone else: the stack changes nothing of it.
            if (model.description !== undefined) problems.push({ key: `models[${i}].description`, value: model.description, message: registeredElsewhere });
            if (Object.keys(model.tags).length > 0) problems.push({ key: `models[${i}].tags`, value: model.tags, message: registeredElsewhere });
        } else if (source.kind === "folder") {
            const inspection = inspectMlflowModelFolder(source.dir);
            const uploadIssue = inspection.ok ? folderUploadProblem(source.dir) : undefined;
            if (!inspection.ok) problems.push({ key: `models[${i}].path`, value: model.path, message: inspection.problem });
            else if (uploadIssue) problems.push({ key: `models[${i}].path`, value: model.path, message: uploadIssue });
        }
        return problems;
    });
}

const registeredElsewhere =
    "goes with a path only: without one, the entry names a version already registered in the workspace, whose description and tags belong to whoever registered it (a registered version is immutable)";

const duplicateModelRule: ConfigRule<StackConfig> = (config) => {
    const problems: Problem[] = [];
    const seen = new Map<string, number>();
    config.models.forEach((model, i) => {
        const id = modelVersionKey(model.name, model.version);
        const first = seen.get(id);
        if (first === undefined) seen.set(id, i);
        else {
            problems.push({
                key: `models[${i}].version`,
                value: model.version,
                message: `${id} is already declared by models[${first}]; each name and version may be registered once`,
            });
        }
    });
    return problems;
};

/** Why a folder cannot be uploaded as it is (e.g. it holds a symbolic link), if it cannot. */
function folderUploadProblem(dir: string): string | undefined {
    try {
        listFolderFiles(dir);
        return undefined;
    } catch (err) {
        return (err as Error).message;
    }
}

const onlineEndpointRule: ConfigRule<StackConfig> = (config) =>
    config.onlineEndpoint ? trafficProblems(config.onlineEndpoint).map((p) => ({ ...p, key: `onlineEndpoint.${p.key}` })) : [];

function onlineDeploymentRules(config: StackConfig, check: RuleScope, context: RuleContext): Problem[] {
    if (!config.onlineEndpoint) return [];
    return check.each(config.onlineEndpoint.deployments, (deployment, i) => {
        const at = `onlineEndpoint.deployments[${i}]`;
        const problems = modelReferenceProblem(config, `${at}.model`, deployment.model);
        const sizeIssue = deployment.allowUnlistedInstanceType
            ? undefined
            : vmSizeProblem(
                  context.catalog.onlineEndpointSkus,
                  "onlineEndpointSkus.json",
                  deployment.instanceType,
                  "an instance type managed online endpoints support",
                  `${at}.allowUnlistedInstanceType`,
              );
        return sizeIssue ? [...problems, { key: `${at}.instanceType`, value: deployment.instanceType, message: sizeIssue }] : problems;
    });
}

function batchEndpointRule(config: StackConfig, projectDir: string): Problem[] {
    if (!config.batchEndpoint) return [];
    return batchProblems(config.batchEndpoint, projectDir).map((p) => ({ ...p, key: `batchEndpoint.${p.key}` }));
}

/** Batch deployments serve declared models on the stack's cluster, within its size. */
const batchDeploymentRules: ConfigRule<StackConfig> = (config, check) => {
    if (!config.batchEndpoint) return [];
    return check.each(config.batchEndpoint.deployments, (deployment, i) => {
        const at = `batchEndpoint.deployments[${i}]`;
        const problems = modelReferenceProblem(config, `${at}.model`, deployment.model);
        const cluster = config.computeCluster;
        if (!cluster) return problems; // the platform rule asks for one
        if (deployment.compute !== cluster.name) {
            problems.push({ key: `${at}.compute`, value: deployment.compute, message: `names no compute cluster of this stack; declared: ${cluster.name}` });
        } else if (deployment.instanceCount > cluster.maxNodes) {
            problems.push({ key: `${at}.instanceCount`, value: deployment.instanceCount, message: `exceeds computeCluster.maxNodes (${cluster.maxNodes})` });
        }
        return problems;
    });
};

/**
 * Online and batch endpoints share one namespace per region (both answer at
 * `<name>.<region>.inference.ml.azure.com`), and both get the same suffix.
 */
const endpointNamesDifferRule: ConfigRule<StackConfig> = (config) => {
    const online = config.onlineEndpoint?.name;
    const batch = config.batchEndpoint?.name;
    if (online === undefined || batch === undefined || online.toLowerCase() !== batch.toLowerCase()) return [];
    return [
        {
            key: "batchEndpoint.name",
            value: batch,
            message: `is also onlineEndpoint.name; online and batch endpoint names share one namespace per region (<name>.<region>.inference.ml.azure.com), so they must differ`,
        },
    ];
};

/** Steps that only climb, and a readable request for the rollout's synthetic load. */
function rolloutRules(config: StackConfig, requests: RequestFiles): Problem[] {
    const online = config.onlineEndpoint?.rollout;
    const serving = config.databricks?.servingEndpoint.rollout;
    return [
        ...(online ? rolloutProblems(online, "onlineEndpoint", config, requests) : []),
        ...(serving && config.platform === "databricks" ? rolloutProblems(serving, "databricks.servingEndpoint", config, requests) : []),
    ];
}

/** One endpoint's rollout (`at`: the key of its endpoint). */
function rolloutProblems(rollout: RolloutConfig, at: string, config: StackConfig, requests: RequestFiles): Problem[] {
    const problems: Problem[] = [];
    if (rollout.steps.some((step, i) => i > 0 && step <= rollout.steps[i - 1])) {
        problems.push({ key: `${at}.rollout.steps`, value: rollout.steps, message: "must climb: each step a larger percentage than the one before" });
    }
    const predictions = rollout.predictions;
    if (predictions) {
        const key = `${at}.rollout.predictions`;
        if (!predictions.agreement && !predictions.allowed) {
            problems.push({ key, value: predictions, message: "names no gate: set agreement (with min) or allowed, or remove predictions" });
        }
        if (rollout.loadRequestsPerSecond === undefined) {
            problems.push({
                key,
                value: predictions,
                message: `compares the answers to the rollout's synthetic load: set ${at}.rollout.loadRequestsPerSecond too`,
            });
        }
        const perWindow = (rollout.loadRequestsPerSecond ?? 0) * rollout.stepSeconds;
        for (const [gate, settings] of Object.entries({ agreement: predictions.agreement, allowed: predictions.allowed })) {
            if (settings && rollout.loadRequestsPerSecond !== undefined && settings.minRequests > perWindow) {
                problems.push({
                    key: `${key}.${gate}.minRequests`,
                    value: settings.minRequests,
                    message: `is more than a window ever compares (loadRequestsPerSecond ${rollout.loadRequestsPerSecond} x stepSeconds ${rollout.stepSeconds} = ${perWindow}): every window would be inconclusive`,
                });
            }
        }
        if (predictions.allowed && config.smokeTest.allowedPredictions.length === 0) {
            problems.push({ key: `${key}.allowed`, value: predictions.allowed, message: "judges answers against smokeTest.allowedPredictions, which lists none: list them" });
        }
    }
    if (rollout.loadRequestsPerSecond !== undefined) {
        try {
            requests.request(config.smokeTest.requestFile);
        } catch (err) {
            problems.push({
                key: "smokeTest.requestFile",
                value: config.smokeTest.requestFile,
                message: `is the rollout's synthetic load (${at}.rollout.loadRequestsPerSecond), and ${(err as Error).message}`,
            });
        }
    }
    return problems;
}

/**
 * The smoke test's request must parse, and carry the columns every deployed model's signature
 * asks for: otherwise the test would fail only after everything is deployed.
 */
function smokeTestRules(config: StackConfig, check: RuleScope, context: RuleContext): Problem[] {
    const served = servedModels(config);
    if (!served || !config.smokeTest.enabled) return [];
    if (config.onlineEndpoint?.publicNetworkAccess === "Disabled" && config.platform === "azureml") {
        return [
            {
                key: "smokeTest.enabled",
                value: true,
                message:
                    "must be false while onlineEndpoint.publicNetworkAccess is Disabled: the smoke test runs where `pulumi up` runs and cannot reach a private endpoint",
            },
        ];
    }
    const key = "smokeTest.requestFile";
    const file = config.smokeTest.requestFile;
    let columns: readonly string[];
    try {
        columns = context.requests.request(file).columns;
    } catch (err) {
        return [{ key, value: file, message: (err as Error).message }];
    }
    return check.each(served.items, (item) => {
        const dir = modelFolders(config, context.projectDir).get(item.model);
        if (dir === undefined) return []; // reported by the model reference rule
        const inspection = inspectMlflowModelFolder(dir);
        if (!inspection.ok) return []; // reported by the model rules
        const missing = inspection.model.inputColumns.filter((c) => !columns.includes(c));
        if (missing.length === 0) return [];
        return [
            {
                key,
                value: file,
                message: `lacks columns ${missing.join(", ")} that ${item.model} (${served.what} ${item.name}) requires`,
            },
        ];
    });
}

/** What the smoke test sends its request to: the online deployments, or the served entities on Databricks. */
function servedModels(config: StackConfig): { what: string; items: readonly { name: string; model: string }[] } | undefined {
    if (config.platform === "databricks") {
        const entities = config.databricks?.servingEndpoint.servedEntities;
        return entities && { what: "served entity", items: entities };
    }
    const deployments = config.onlineEndpoint?.deployments;
    return deployments && { what: "deployment", items: deployments };
}

/** Azure's advice for production online deployments: enough instances to survive upgrades and failures. */
export const minProductionInstances = 3;

/**
 * What `production: true` demands, so a hardened stack cannot be loosened by an edit that looks
 * harmless. One rule per guard: a bad value under one never hides another.
 */
const productionRules: ConfigRule<StackConfig>[] = [
    (config) =>
        config.production && !config.protectResources
            ? [{ key: "protectResources", value: config.protectResources, message: "must be true when production is true (stateful resources must be protected)" }]
            : [],
    (config) =>
        config.production && config.platform === "azureml" && !config.workspace.keyVaultPurgeProtection
            ? [{ key: "workspace.keyVaultPurgeProtection", value: config.workspace.keyVaultPurgeProtection, message: "must be true when production is true" }]
            : [],
    (config) =>
        config.production && config.onlineEndpoint?.authMode === "Key"
            ? [
                  {
                      key: "onlineEndpoint.authMode",
                      value: config.onlineEndpoint.authMode,
                      message: 'must be "AADToken" or "AMLToken" when production is true (no long-lived keys); "Key" is also what an unset authMode means',
                  },
              ]
            : [],
    (config, check) =>
        config.production && config.onlineEndpoint
            ? check.each(config.onlineEndpoint.deployments, (deployment, i) =>
                  deployment.instanceCount < minProductionInstances
                      ? [
                            {
                                key: `onlineEndpoint.deployments[${i}].instanceCount`,
                                value: deployment.instanceCount,
                                message: `must be at least ${minProductionInstances} when production is true`,
                            },
                        ]
                      : [],
              )
            : [],
];
