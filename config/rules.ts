import * as path from "path";
import { inspectMlflowModelFolder } from "../components/model/mlmodelFolder";
import { platformNameProblems } from "../components/naming/names";
import { nameProblem, namingRules } from "../components/naming/rules";
import { modelVersionKey } from "../components/model/modelVersionKey";
import { trafficProblems } from "../components/online/trafficRules";
import { batchProblems } from "../components/batch/batchRules";
import { listFolderFiles } from "../components/storage/folderContent";
import { readScoringRequest } from "../lib/smoke/scoringRequest";
import { modelFolders } from "./modelFolders";
import { ConfigProblem } from "./problems";
import { StackConfig } from "./schema";

/**
 * Rules that span keys or look outside the stack file (names Azure will check, model folders on
 * disk, production guards). They run on a config that already has the right shape.
 */
export function configProblems(config: StackConfig, projectDir: string): ConfigProblem[] {
    return [
        ...nameRules(config),
        ...computeClusterRules(config),
        ...modelRules(config, projectDir),
        ...onlineEndpointRules(config),
        ...batchEndpointRules(config, projectDir),
        ...smokeTestRules(config, projectDir),
        ...productionRules(config),
    ];
}

function nameRules(config: StackConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = platformNameProblems(config.prefix).map((message) => ({
        key: "prefix",
        value: config.prefix,
        message: `derived ${message}`,
    }));
    if (config.resourceGroupName !== undefined) {
        const problem = nameProblem(namingRules.resourceGroup, config.resourceGroupName);
        if (problem) problems.push({ key: "resourceGroupName", value: config.resourceGroupName, message: problem });
    }
    return problems;
}

function computeClusterRules(config: StackConfig): ConfigProblem[] {
    const cluster = config.computeCluster;
    const problems: ConfigProblem[] = [];
    const problem = nameProblem(namingRules.computeCluster, cluster.name);
    if (problem) problems.push({ key: "computeCluster.name", value: cluster.name, message: problem });
    if (cluster.minNodes > cluster.maxNodes) {
        problems.push({
            key: "computeCluster.minNodes",
            value: cluster.minNodes,
            message: `must not exceed computeCluster.maxNodes (${cluster.maxNodes})`,
        });
    }
    return problems;
}

function modelRules(config: StackConfig, projectDir: string): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const seen = new Map<string, number>();
    config.models.forEach((model, i) => {
        const nameIssue = nameProblem(namingRules.asset, model.name);
        if (nameIssue) problems.push({ key: `models[${i}].name`, value: model.name, message: nameIssue });
        const id = `${model.name}:${model.version}`;
        const first = seen.get(id);
        if (first !== undefined) {
            problems.push({
                key: `models[${i}].version`,
                value: model.version,
                message: `${id} is already declared by models[${first}]; each name and version may be registered once`,
            });
        } else {
            seen.set(id, i);
        }
        const dir = path.resolve(projectDir, model.path);
        const inspection = inspectMlflowModelFolder(dir);
        const uploadIssue = inspection.ok ? folderUploadProblem(dir) : undefined;
        if (!inspection.ok) problems.push({ key: `models[${i}].path`, value: model.path, message: inspection.problem });
        else if (uploadIssue) problems.push({ key: `models[${i}].path`, value: model.path, message: uploadIssue });
    });
    return problems;
}

/** Why a folder cannot be uploaded as it is (e.g. it holds a symbolic link), if it cannot. */
function folderUploadProblem(dir: string): string | undefined {
    try {
        listFolderFiles(dir);
        return undefined;
    } catch (err) {
        return (err as Error).message;
    }
}

/** The `name:version` of every model the stack registers: what deployments may name. */
function declaredModelVersions(config: StackConfig): Set<string> {
    return new Set(config.models.map((m) => modelVersionKey(m.name, m.version)));
}

function onlineEndpointRules(config: StackConfig): ConfigProblem[] {
    if (!config.onlineEndpoint) return [];
    return trafficProblems(config.onlineEndpoint, declaredModelVersions(config)).map((p) => ({ ...p, key: `onlineEndpoint.${p.key}` }));
}

function batchEndpointRules(config: StackConfig, projectDir: string): ConfigProblem[] {
    if (!config.batchEndpoint) return [];
    return batchProblems(config.batchEndpoint, { knownModels: declaredModelVersions(config), cluster: config.computeCluster, projectDir }).map((p) => ({
        ...p,
        key: `batchEndpoint.${p.key}`,
    }));
}

/**
 * The smoke test's request must parse, and carry the columns every deployed model's signature
 * asks for: otherwise the test would fail only after everything is deployed.
 */
function smokeTestRules(config: StackConfig, projectDir: string): ConfigProblem[] {
    if (!config.onlineEndpoint || !config.smokeTest.enabled) return [];
    if (config.onlineEndpoint.publicNetworkAccess === "Disabled") {
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
        columns = readScoringRequest(path.resolve(projectDir, file)).columns;
    } catch (err) {
        return [{ key, value: file, message: (err as Error).message }];
    }
    const problems: ConfigProblem[] = [];
    const modelDirs = modelFolders(config, projectDir);
    for (const deployment of config.onlineEndpoint.deployments) {
        const dir = modelDirs.get(deployment.model);
        if (dir === undefined) continue; // reported by the endpoint rules
        const inspection = inspectMlflowModelFolder(dir);
        if (!inspection.ok) continue; // reported by the model rules
        const missing = inspection.model.inputColumns.filter((c) => !columns.includes(c));
        if (missing.length > 0) {
            problems.push({
                key,
                value: file,
                message: `lacks columns ${missing.join(", ")} that ${deployment.model} (deployment ${deployment.name}) requires`,
            });
        }
    }
    return problems;
}

/** Azure's advice for production online deployments: enough instances to survive upgrades and failures. */
export const minProductionInstances = 3;

/** What `production: true` demands, so a hardened stack cannot be loosened by an edit that looks harmless. */
function productionRules(config: StackConfig): ConfigProblem[] {
    if (!config.production) return [];
    const problems: ConfigProblem[] = [];
    if (!config.protectResources) {
        problems.push({
            key: "protectResources",
            value: config.protectResources,
            message: "must be true when production is true (stateful resources must be protected)",
        });
    }
    if (!config.workspace.keyVaultPurgeProtection) {
        problems.push({
            key: "workspace.keyVaultPurgeProtection",
            value: config.workspace.keyVaultPurgeProtection,
            message: "must be true when production is true",
        });
    }
    const endpoint = config.onlineEndpoint;
    if (endpoint?.authMode === "Key") {
        problems.push({
            key: "onlineEndpoint.authMode",
            value: endpoint.authMode,
            message: 'must be "AADToken" or "AMLToken" when production is true (no long-lived keys)',
        });
    }
    endpoint?.deployments.forEach((deployment, i) => {
        if (deployment.instanceCount < minProductionInstances) {
            problems.push({
                key: `onlineEndpoint.deployments[${i}].instanceCount`,
                value: deployment.instanceCount,
                message: `must be at least ${minProductionInstances} when production is true`,
            });
        }
    });
    return problems;
}
