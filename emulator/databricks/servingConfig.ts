import { invalidParameter } from "./errors";

/** One served entity of a config, as accepted (defaults applied). */
export interface EntityConfig {
    readonly name: string;
    readonly entity_name: string;
    readonly entity_version: string;
    readonly workload_size: string;
    readonly scale_to_zero_enabled: boolean;
    readonly environment_vars?: Readonly<Record<string, string>>;
    readonly workload_type?: string;
}

/** A served entity's share of the endpoint's traffic. */
export interface Route {
    readonly served_model_name: string;
    readonly traffic_percentage: number;
}

/** A whole serving config as a `PUT .../config` (or a create's `config`) gives it. */
export interface ServingConfig {
    readonly entities: readonly EntityConfig[];
    readonly routes: readonly Route[];
}

/** Documented limit of served entities per endpoint (model-serving docs; databricks-sdk-py#1496: 15 accepted in practice). */
export const maxServedEntities = 10;
const workloadSizes = ["Small", "Medium", "Large"];
/** Endpoint names: 1..63 characters (get-export-endpoint-metrics reference), alphanumerics, `-` and `_` (serving docs). */
const endpointName = /^[A-Za-z0-9_-]{1,63}$/;
/** Served entity names: alphanumerics, `-` and `_` (ServedEntityInput.name docstring). */
const entityName = /^[A-Za-z0-9_-]+$/;

export function checkEndpointName(name: unknown): string {
    if (typeof name !== "string" || !endpointName.test(name)) {
        throw invalidParameter(`Endpoint name "${String(name)}" is invalid: 1 to 63 characters, letters, digits, '-' and '_' only.`);
    }
    return name;
}

/**
 * A config checked as Databricks checks one before accepting it (all 400 INVALID_PARAMETER_VALUE):
 * served entities (or the legacy `served_models`) present, at most 10, each naming a model and a
 * version, names unique and of allowed characters (default `<entity_name>-<entity_version>`,
 * ServedEntityInput.name docstring), `workload_size` Small, Medium or Large (its docstring; custom
 * sizes are not offered here); routes naming served entities, each entity exactly once, whole
 * percentages 0..100 (Route docstring) summing to 100. Without `traffic_config` a single entity
 * takes all traffic; several entities need routes (the emulator's choice: no even split is assumed).
 */
export function checkConfig(config: unknown): ServingConfig {
    if (typeof config !== "object" || config === null) throw invalidParameter("config must be an object");
    const body = config as Record<string, any>;
    const given: unknown[] = Array.isArray(body.served_entities) ? body.served_entities : Array.isArray(body.served_models) ? body.served_models.map(fromServedModel) : [];
    if (given.length === 0) throw invalidParameter("The config must serve at least one entity (served_entities).");
    if (given.length > maxServedEntities) throw invalidParameter(`An endpoint serves at most ${maxServedEntities} entities; the config has ${given.length}.`);
    const entities = given.map(checkEntity);
    const names = entities.map((e) => e.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw invalidParameter(`Served entity names must be unique: ${duplicate} appears more than once.`);
    return { entities, routes: checkRoutes(body.traffic_config, names) };
}

function fromServedModel(model: Record<string, any>): Record<string, any> {
    const { model_name, model_version, ...rest } = model ?? {};
    return { ...rest, entity_name: model_name, entity_version: model_version };
}

function checkEntity(raw: unknown): EntityConfig {
    const entity = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, any>;
    if (entity.external_model || entity.foundation_model) throw invalidParameter("External and foundation models are not served by this workspace (custom models only).");
    if (typeof entity.entity_name !== "string" || entity.entity_name === "") throw invalidParameter("Each served entity needs entity_name.");
    const version = entity.entity_version;
    if ((typeof version !== "string" && typeof version !== "number") || String(version) === "") throw invalidParameter(`Served entity ${entity.entity_name} needs entity_version.`);
    const name = typeof entity.name === "string" && entity.name !== "" ? entity.name : `${entity.entity_name}-${version}`.replace(/[^A-Za-z0-9_-]/g, "-");
    if (!entityName.test(name)) throw invalidParameter(`Served entity name "${name}" is invalid: letters, digits, '-' and '_' only.`);
    const size = entity.workload_size ?? "Small";
    if (!workloadSizes.includes(size)) throw invalidParameter(`workload_size of ${name} must be one of ${workloadSizes.join(", ")}, got ${size}.`);
    if (entity.scale_to_zero_enabled !== undefined && typeof entity.scale_to_zero_enabled !== "boolean") throw invalidParameter(`scale_to_zero_enabled of ${name} must be a boolean.`);
    const env = entity.environment_vars;
    if (env !== undefined && (typeof env !== "object" || env === null || Object.values(env).some((v) => typeof v !== "string"))) {
        throw invalidParameter(`environment_vars of ${name} must map names to strings.`);
    }
    return {
        name,
        entity_name: entity.entity_name,
        entity_version: String(version),
        workload_size: size,
        scale_to_zero_enabled: entity.scale_to_zero_enabled === true,
        ...(env ? { environment_vars: { ...env } } : {}),
        ...(typeof entity.workload_type === "string" ? { workload_type: entity.workload_type } : {}),
    };
}

function checkRoutes(trafficConfig: unknown, names: readonly string[]): Route[] {
    const given = (trafficConfig as { routes?: unknown } | undefined)?.routes;
    if (given === undefined) {
        if (names.length === 1) return [{ served_model_name: names[0], traffic_percentage: 100 }];
        throw invalidParameter("traffic_config is required when an endpoint serves more than one entity.");
    }
    if (!Array.isArray(given)) throw invalidParameter("traffic_config.routes must be a list.");
    const routes = given.map((raw: Record<string, any>) => {
        const target = raw?.served_entity_name ?? raw?.served_model_name;
        if (typeof target !== "string" || !names.includes(target)) throw invalidParameter(`The route to ${String(target)} names no served entity of the config (${names.join(", ")}).`);
        const percent = raw.traffic_percentage;
        if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw invalidParameter(`traffic_percentage of ${target} must be an integer between 0 and 100, got ${percent}.`);
        return { served_model_name: target, traffic_percentage: percent as number };
    });
    const routed = routes.map((r) => r.served_model_name);
    const twice = routed.find((n, i) => routed.indexOf(n) !== i);
    if (twice) throw invalidParameter(`Served entity ${twice} has more than one route.`);
    const unrouted = names.filter((n) => !routed.includes(n));
    if (unrouted.length > 0) throw invalidParameter(`Every served entity needs a route (0 is allowed): ${unrouted.join(", ")} has none.`);
    const total = routes.reduce((sum, r) => sum + r.traffic_percentage, 0);
    if (total !== 100) throw invalidParameter(`The routes' traffic percentages must sum to 100, got ${total}.`);
    return routes;
}

/** Whether an entity can keep its running server across a config change: everything that decides how it serves is the same. */
export function sameServing(a: EntityConfig, b: EntityConfig): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(entity: EntityConfig): unknown {
    const env = Object.entries(entity.environment_vars ?? {}).sort(([x], [y]) => x.localeCompare(y));
    return [entity.name, entity.entity_name, entity.entity_version, entity.workload_size, entity.scale_to_zero_enabled, entity.workload_type ?? "", env];
}
