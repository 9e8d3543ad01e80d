import { DatabricksClient, isDatabricksError } from "./databricksClient";

/** A served entity as this program declares it (Databricks' `served_entities[]`, camel-cased). */
export interface ServedEntitySpec {
    readonly name: string;
    /** The registered model's name (workspace registry). */
    readonly entityName: string;
    readonly entityVersion: string;
    readonly workloadSize: "Small" | "Medium" | "Large";
    readonly scaleToZero: boolean;
}

/** Percent of traffic per served entity: Databricks' `traffic_config.routes`, as a map. */
export type Routes = Readonly<Record<string, number>>;

/** What an endpoint serves now: its entities and routes (none before its first config). */
export interface LiveConfig {
    readonly entities: readonly ServedEntitySpec[];
    readonly routes: Routes;
    /** `state.config_update`: IN_PROGRESS while an update runs. */
    readonly configUpdate: string;
}

const servingPath = (endpoint: string) => `/api/2.0/serving-endpoints/${encodeURIComponent(endpoint)}`;

/** An entity's identity for comparisons: everything that decides what it serves and how. */
export function entityFingerprint(entity: ServedEntitySpec): string {
    return `${entity.entityName}:${entity.entityVersion}:${entity.workloadSize}:${entity.scaleToZero}`;
}

/** The body of `PUT .../config`: the whole config, every entity with a route (0 for an entity only called directly). */
export function configBody(entities: readonly ServedEntitySpec[], routes: Routes): Record<string, unknown> {
    return {
        served_entities: entities.map((e) => ({
            name: e.name,
            entity_name: e.entityName,
            entity_version: e.entityVersion,
            workload_size: e.workloadSize,
            scale_to_zero_enabled: e.scaleToZero,
        })),
        traffic_config: { routes: entities.map((e) => ({ served_model_name: e.name, traffic_percentage: routes[e.name] ?? 0 })) },
    };
}

/** The live config of a `GET /serving-endpoints/{name}` answer. */
export function liveConfigOf(endpoint: Record<string, any>): LiveConfig {
    const config = endpoint.config ?? {};
    const entities: ServedEntitySpec[] = (config.served_entities ?? config.served_models ?? []).map((e: Record<string, any>) => ({
        name: String(e.name),
        entityName: String(e.entity_name ?? e.model_name),
        entityVersion: String(e.entity_version ?? e.model_version),
        workloadSize: e.workload_size,
        scaleToZero: Boolean(e.scale_to_zero_enabled),
    }));
    const routes: Record<string, number> = {};
    for (const route of config.traffic_config?.routes ?? []) routes[String(route.served_model_name ?? route.served_entity_name)] = Number(route.traffic_percentage);
    return { entities: entities.sort(byName), routes, configUpdate: String(endpoint.state?.config_update ?? "NOT_UPDATING") };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Whether two entity lists serve the same (names, models, sizes, scaling), whatever their order. */
export function sameEntities(a: readonly ServedEntitySpec[], b: readonly ServedEntitySpec[]): boolean {
    const key = (list: readonly ServedEntitySpec[]) => [...list].sort(byName).map((e) => `${e.name}=${entityFingerprint(e)}`).join("|");
    return key(a) === key(b);
}

/** Whether two route maps send the same share to each entity (a missing route is 0). */
export function sameRoutes(a: Routes, b: Routes): boolean {
    const names = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...names].every((name) => (a[name] ?? 0) === (b[name] ?? 0));
}

export async function readEndpoint(client: DatabricksClient, endpoint: string): Promise<Record<string, any> | undefined> {
    try {
        return await client.get(servingPath(endpoint));
    } catch (err) {
        if (isDatabricksError(err, 404)) return undefined;
        throw err;
    }
}

export interface ApplyHooks {
    readonly pollIntervalMs?: number;
    readonly progress?: (line: string) => void;
}

/**
 * One config update: waits for an update under way to end (Databricks takes one at a time: "An
 * endpoint that already has an update in progress can not be updated until the current update
 * completes or fails", databricks-sdk-py serving.py), PUTs the whole config (a 409 from an update
 * that started in between is waited for too), then waits for it to finish. Databricks keeps
 * serving the old config until the new one is ready; an UPDATE_FAILED leaves the old one serving
 * and fails here with each entity's reason and build logs.
 */
export async function applyConfig(client: DatabricksClient, endpoint: string, entities: readonly ServedEntitySpec[], routes: Routes, hooks: ApplyHooks = {}): Promise<LiveConfig> {
    for (;;) {
        await waitWhileUpdating(client, endpoint, hooks);
        try {
            await client.put(`${servingPath(endpoint)}/config`, configBody(entities, routes));
            break;
        } catch (err) {
            if (!isDatabricksError(err, 409)) throw err;
            hooks.progress?.(`serving endpoint ${endpoint}: another config update is in progress; waiting for it to end (${err.errorCode})`);
        }
    }
    const after = await waitWhileUpdating(client, endpoint, hooks);
    if (after.state?.config_update === "UPDATE_FAILED" || after.state?.config_update === "UPDATE_CANCELED") {
        throw new Error(`the config update of serving endpoint ${endpoint} ended ${after.state.config_update}; the previous config keeps serving.\n${await failureDetails(client, endpoint, after, entities)}`);
    }
    const live = liveConfigOf(after);
    if (!sameEntities(live.entities, entities) || !sameRoutes(live.routes, routes)) {
        throw new Error(`serving endpoint ${endpoint} did not take the config: it serves ${describeConfig(live)}; wanted ${describeConfig({ entities, routes })}`);
    }
    return live;
}

/** The endpoint once no config update runs on it (bounded by the client's deadline). */
export async function waitWhileUpdating(client: DatabricksClient, endpoint: string, hooks: ApplyHooks = {}): Promise<Record<string, any>> {
    let reported = false;
    for (;;) {
        const found = await readEndpoint(client, endpoint);
        if (!found) throw new Error(`serving endpoint ${endpoint} does not exist`);
        if (found.state?.config_update !== "IN_PROGRESS") return found;
        if (!reported) hooks.progress?.(`serving endpoint ${endpoint}: config update in progress; waiting`);
        reported = true;
        await client.sleep(hooks.pollIntervalMs ?? 2000);
    }
}

async function failureDetails(client: DatabricksClient, endpoint: string, after: Record<string, any>, wanted: readonly ServedEntitySpec[]): Promise<string> {
    const pending = after.pending_config?.served_entities ?? [];
    const states = [...pending, ...(after.config?.served_entities ?? [])]
        .filter((e: Record<string, any>) => e.state?.deployment && e.state.deployment !== "DEPLOYMENT_READY")
        .map((e: Record<string, any>) => `  ${e.name}: ${e.state.deployment} ${e.state.deployment_state_message ?? ""}`.trimEnd());
    const logs: string[] = [];
    for (const entity of wanted) {
        try {
            const answer = await client.get(`${servingPath(endpoint)}/served-models/${encodeURIComponent(entity.name)}/build-logs`);
            const text = String(answer?.logs ?? "").trim();
            if (text) logs.push(`  build logs of ${entity.name} (last lines):\n${text.split("\n").slice(-15).map((l) => `    ${l}`).join("\n")}`);
        } catch {
            // An entity that never started has no logs; its state says why.
        }
    }
    return [...states, ...logs].join("\n") || "  (Databricks gave no reason)";
}

export function describeConfig(config: Pick<LiveConfig, "entities" | "routes">): string {
    const entities = config.entities.map((e) => `${e.name}=${e.entityName}:${e.entityVersion}@${config.routes[e.name] ?? 0}%`);
    return entities.length > 0 ? entities.join(", ") : "no config";
}
