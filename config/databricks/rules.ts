import { modelSourceOf } from "../modelSources";
import { Problem } from "../problems";
import { ConfigRule, RuleScope } from "../ruleRunner";
import { StackConfig } from "../schema";
import type { RuleContext } from "../ruleContext";
import { modelReferenceProblem } from "../modelReferences";
import { didYouMean, nearestNames } from "../suggest";

/**
 * Which keys belong to which platform: a key the stack's platform never reads would otherwise be
 * ignored without a word, and one it needs must be there.
 */
export const platformRules: ConfigRule<StackConfig>[] = [
    (config) => {
        if (config.platform !== "azureml") return [];
        const problems: Problem[] = [];
        if (!config.computeCluster) problems.push({ key: "computeCluster", value: undefined, message: "is required when platform is azureml" });
        if (config.databricks) problems.push({ key: "databricks", value: config.databricks, message: 'is read only when platform is "databricks"' });
        return problems;
    },
    (config) => {
        if (config.platform !== "databricks") return [];
        const problems: Problem[] = [];
        if (!config.databricks) problems.push({ key: "databricks", value: undefined, message: "is required when platform is databricks" });
        for (const key of ["computeCluster", "onlineEndpoint", "batchEndpoint"] as const) {
            if (config[key] !== undefined) {
                problems.push({ key, value: config[key], message: 'is an Azure Machine Learning setting; with platform "databricks" the stack declares no Azure ML workspace (remove it, or set platform: azureml)' });
            }
        }
        return problems;
    },
];

/** Databricks' own names: serving endpoints and served entities, 1-63 of [A-Za-z0-9_-] (Serving API). */
const servingName = /^[A-Za-z0-9_-]{1,63}$/;
/** Served entities: lower case too, as the rollout compares names as Azure ML keeps deployment names (runtime/endpoints/trafficWire.ts). */
const entityName = /^[a-z0-9_-]{1,63}$/;
/** "Endpoints can serve up to 10 served entities" (Databricks docs, serve-multiple-models-to-serving-endpoint). */
export const maxServedEntities = 10;

/**
 * Databricks' rules for a stack with `platform: databricks`, checked before anything is declared:
 * Databricks would refuse them only at the serving endpoint's config update, after the workspace exists.
 * Sources: the Serving REST API (databricks-sdk-py service/serving.py), Databricks docs on model
 * serving, the cluster API (terraform-provider-databricks docs/resources/cluster.md).
 */
export function databricksRules(context: RuleContext): ConfigRule<StackConfig>[] {
    return [
        (config, check) => modelSourceRule(config, check, context.projectDir),
        modelNameRule,
        experimentRule,
        endpointNameRule,
        servedEntityRules,
        routeRules,
        mirrorRule,
        workspaceSkuRule,
        (config) => servingRegionRule(config, context),
        clusterRule,
        permissionRules,
        ...productionGuards,
    ];
}

const onDatabricks = (config: StackConfig) => (config.platform === "databricks" ? config.databricks : undefined);

/** A version on Databricks is registered by the stack from a folder of this repository. */
function modelSourceRule(config: StackConfig, check: RuleScope, projectDir: string): Problem[] {
    if (!onDatabricks(config)) return [];
    return check.each(config.models, (model, i) => {
        const source = modelSourceOf(model, projectDir);
        if (model.path !== undefined && source?.kind === "folder") return [];
        return [
            {
                key: `models[${i}].path`,
                value: model.path,
                message: "must be a model folder of this repository on Databricks: the stack registers each version in the workspace's registry from its files (versions registered elsewhere and runs' models are Azure ML references)",
            },
        ];
    });
}

/** MLflow's workspace registry takes names with spaces ("Penguin Predictor"), but not '/' or ':' (the latter is this config's name:version separator). */
const modelNameRule: ConfigRule<StackConfig> = (config, check) => {
    if (!onDatabricks(config)) return [];
    return check.each(config.models, (model, i) =>
        /[/:]/.test(model.name) || model.name.trim() !== model.name || model.name.length > 256
            ? [{ key: `models[${i}].name`, value: model.name, message: "must be at most 256 characters without '/' or ':' and without spaces at its ends" }]
            : [],
    );
};

const experimentRule: ConfigRule<StackConfig> = (config) => {
    const databricks = onDatabricks(config);
    if (!databricks || databricks.experiment.startsWith("/")) return [];
    return [{ key: "databricks.experiment", value: databricks.experiment, message: "must be an absolute workspace path, starting with / (e.g. /Shared/penguins)" }];
};

const endpointNameRule: ConfigRule<StackConfig> = (config) => {
    const endpoint = onDatabricks(config)?.servingEndpoint;
    if (!endpoint || servingName.test(endpoint.name)) return [];
    return [{ key: "databricks.servingEndpoint.name", value: endpoint.name, message: "must be 1-63 characters: letters, digits, '-' and '_'" }];
};

const servedEntityRules: ConfigRule<StackConfig> = (config, check) => {
    const endpoint = onDatabricks(config)?.servingEndpoint;
    if (!endpoint) return [];
    const at = "databricks.servingEndpoint.servedEntities";
    const problems: Problem[] = [];
    if (endpoint.servedEntities.length > maxServedEntities) {
        problems.push({ key: at, value: endpoint.servedEntities.length, message: `lists ${endpoint.servedEntities.length} entities; an endpoint serves at most ${maxServedEntities}` });
    }
    const seen = new Set<string>();
    problems.push(
        ...check.each(endpoint.servedEntities, (entity, i) => {
            const found: Problem[] = [];
            if (!entityName.test(entity.name)) {
                found.push({ key: `${at}[${i}].name`, value: entity.name, message: "must be 1-63 characters: lowercase letters, digits, '-' and '_' (named explicitly: Databricks' default, <model>-<version>, breaks on a model name with spaces)" });
            }
            if (seen.has(entity.name)) found.push({ key: `${at}[${i}].name`, value: entity.name, message: "is declared twice; served entity names must be unique" });
            seen.add(entity.name);
            found.push(...modelReferenceProblem(config, `${at}[${i}].model`, entity.model));
            return found;
        }),
    );
    return problems;
};

/** Databricks takes the entities and the routes in one config: every entity routed, whole percents summing to 100. */
const routeRules: ConfigRule<StackConfig> = (config) => {
    const endpoint = onDatabricks(config)?.servingEndpoint;
    if (!endpoint) return [];
    const at = "databricks.servingEndpoint.routes";
    const declared = endpoint.servedEntities.map((e) => e.name);
    const problems: Problem[] = [];
    for (const [entity, weight] of Object.entries(endpoint.routes)) {
        if (!Number.isInteger(weight) || weight < 0 || weight > 100) problems.push({ key: `${at}.${entity}`, value: weight, message: "must be a whole number from 0 to 100" });
        if (!declared.includes(entity)) {
            problems.push({ key: `${at}.${entity}`, value: weight, message: `names no served entity${didYouMean(nearestNames(entity, declared)) || "."} Declared: ${declared.join(", ")}` });
        }
    }
    const unrouted = declared.filter((entity) => !(entity in endpoint.routes));
    if (unrouted.length > 0) {
        problems.push({ key: at, value: endpoint.routes, message: `has no route for ${unrouted.join(", ")}; every served entity needs one (0 for an entity that only answers direct calls)` });
    }
    const total = Object.values(endpoint.routes).reduce((sum, w) => sum + w, 0);
    if (total !== 100) problems.push({ key: at, value: endpoint.routes, message: `percentages sum to ${total}; they must sum to 100` });
    return problems;
};

const mirrorRule: ConfigRule<StackConfig> = (config) => {
    const endpoint = onDatabricks(config)?.servingEndpoint;
    if (!endpoint) return [];
    const noMirror = "Databricks Model Serving has no mirror (shadow) traffic; a new entity is proven by direct calls and the rollout's steps instead";
    const problems: Problem[] = [];
    if (endpoint.mirrorTraffic !== undefined) problems.push({ key: "databricks.servingEndpoint.mirrorTraffic", value: endpoint.mirrorTraffic, message: `is not allowed: ${noMirror}` });
    if (endpoint.rollout?.mirrorPercent !== undefined) {
        problems.push({ key: "databricks.servingEndpoint.rollout.mirrorPercent", value: endpoint.rollout.mirrorPercent, message: `is not allowed: ${noMirror}` });
    }
    return problems;
};

/** "Model Serving is available in the Premium tier" (Azure Databricks model serving docs; the walkthrough's setup creates premium). */
const workspaceSkuRule: ConfigRule<StackConfig> = (config) => {
    const databricks = onDatabricks(config);
    if (!databricks || databricks.workspace.sku === "premium") return [];
    return [{ key: "databricks.workspace.sku", value: databricks.workspace.sku, message: 'must be "premium": Model Serving needs a premium workspace' }];
};

function servingRegionRule(config: StackConfig, context: RuleContext): Problem[] {
    const databricks = onDatabricks(config);
    if (!databricks || databricks.allowUnlistedServingRegion) return [];
    const list = context.catalog.databricksServingRegions;
    if (list.items.includes(config.location)) return [];
    return [
        {
            key: "location",
            value: config.location,
            message:
                `is not a region with Azure Databricks Model Serving${didYouMean(nearestNames(config.location, list.items)) || "."} ` +
                `Regions: config/azureCatalog/databricksServingRegions.json (as of ${list.retrieved}); for a region newer than the list set databricks.allowUnlistedServingRegion: true`,
        },
    ];
}

const clusterRule: ConfigRule<StackConfig> = (config) => {
    const cluster = onDatabricks(config)?.cluster;
    if (!cluster) return [];
    const problems: Problem[] = [];
    const minutes = cluster.autoterminationMinutes;
    // "autotermination_minutes ... between 10 and 10000 minutes ... 0 to disable" (TF docs/resources/cluster.md, Clusters API).
    if (minutes !== 0 && (minutes < 10 || minutes > 10000)) {
        problems.push({ key: "databricks.cluster.autoterminationMinutes", value: minutes, message: "must be 0 (never) or from 10 to 10000" });
    }
    if (!/-ml-/.test(cluster.sparkVersion)) {
        problems.push({ key: "databricks.cluster.sparkVersion", value: cluster.sparkVersion, message: "must be a Databricks Runtime for Machine Learning (a key with -ml-, e.g. 15.4.x-cpu-ml-scala2.12): MLflow and the training libraries come with it" });
    }
    return problems;
};

const permissionRules: ConfigRule<StackConfig> = (config, check) => {
    const endpoint = onDatabricks(config)?.servingEndpoint;
    if (!endpoint) return [];
    return check.each(endpoint.permissions, (permission, i) => {
        const principals = [permission.user, permission.group, permission.servicePrincipal].filter((p) => p !== undefined);
        return principals.length === 1
            ? []
            : [{ key: `databricks.servingEndpoint.permissions[${i}]`, value: permission, message: "must name exactly one of user, group or servicePrincipal" }];
    });
};

/** What `production: true` demands of a Databricks stack (protectResources is demanded for every platform in config/rules.ts). */
const productionGuards: ConfigRule<StackConfig>[] = [
    // A scaled-to-zero entity answers its first requests after idle only after a cold start.
    (config, check) => {
        const endpoint = config.production ? onDatabricks(config)?.servingEndpoint : undefined;
        if (!endpoint) return [];
        return check.each(endpoint.servedEntities, (entity, i) =>
            entity.scaleToZero && (endpoint.routes[entity.name] ?? 0) > 0
                ? [{ key: `databricks.servingEndpoint.servedEntities[${i}].scaleToZero`, value: true, message: "must be false when production is true for an entity with live traffic (cold starts fail or delay the first requests after idle)" }]
                : [],
        );
    },
    (config, check) => {
        const endpoint = config.production ? onDatabricks(config)?.servingEndpoint : undefined;
        if (!endpoint) return [];
        return check.each(endpoint.permissions, (permission, i) =>
            permission.group === "users" && permission.level === "CAN_MANAGE"
                ? [{ key: `databricks.servingEndpoint.permissions[${i}]`, value: permission, message: "must not grant CAN_MANAGE to all users (group users) when production is true" }]
                : [],
        );
    },
];
