import { randomBytes } from "crypto";
import { alreadyExists, conflict, doesNotExist, invalidParameter } from "./errors";
import { ServedEntity } from "./servedEntity";
import { ServingBackend } from "./servingBackend";
import { Route, ServingConfig, checkConfig, checkEndpointName, sameServing } from "./servingConfig";
import { metricsText } from "./servingMetrics";

/** `state.config_update` (databricks-sdk-py `serving.EndpointStateConfigUpdate`). */
export type ConfigUpdate = "NOT_UPDATING" | "IN_PROGRESS" | "UPDATE_FAILED" | "UPDATE_CANCELED";

/** A config with its entities: the live one, or the pending one an update is bringing up. */
export interface EndpointConfig {
    readonly version: number;
    readonly entities: readonly ServedEntity[];
    readonly routes: readonly Route[];
    /** When the update that brings it started (ms). */
    readonly startTime: number;
}

interface Endpoint {
    readonly name: string;
    readonly id: string;
    readonly created: number;
    lastUpdated: number;
    readonly tags: Map<string, string | undefined>;
    config?: EndpointConfig;
    pending?: EndpointConfig;
    configUpdate: ConfigUpdate;
    deleted: boolean;
    /** Stops the builds of the update under way (the endpoint is deleted, the run stops). */
    readonly abort: AbortController;
    /** Each entity name's latest entity (live, pending or failed): its build log and server logs. */
    readonly lastEntity: Map<string, ServedEntity>;
}

/** The live routes of a serving endpoint from one moment on. */
export interface ServingTrafficMoment {
    readonly workspace: string;
    readonly endpoint: string;
    readonly at: number;
    /** The live config's version; null once the endpoint is deleted. */
    readonly configVersion: number | null;
    /** Percent of traffic per served entity. */
    readonly routes: Readonly<Record<string, number>>;
    /** The live config's entities (each with a ready server), by name. */
    readonly entities: Readonly<Record<string, { readonly entity_name: string; readonly entity_version: string }>>;
}

export interface ServingEndpointsOptions {
    /** The workspace host, for the timeline and messages. */
    readonly host: string;
    /** Who creates endpoints: the token holder (`creator`). */
    readonly creator: string;
    readonly backend: ServingBackend;
    /** Where every change of live routes is recorded (shared by the workspaces of a run). */
    readonly timeline: ServingTrafficMoment[];
    /** An endpoint was deleted (its permissions go with it). */
    readonly onDeleted?: (id: string) => void;
}

/**
 * A workspace's serving endpoints and their state machine (databricks-sdk-py `serving.py`
 * `ServingEndpointsAPI` and its docstrings):
 * - a config update (`PUT .../config`, or a create with `config`) is accepted at once with the
 *   whole new config as `pending_config` and `state.config_update` IN_PROGRESS; it runs after the
 *   answer. Another update while one is IN_PROGRESS is 409 RESOURCE_CONFLICT ("An endpoint that
 *   already has an update in progress can not be updated until the current update completes or
 *   fails", EndpointState docstring);
 * - new or changed entities get a server of their own (built and started in the update); an
 *   unchanged entity keeps its server. The old config serves until every entity of the new one is
 *   ready; then the new one is `config`, its `config_version` one more, NOT_UPDATING, and the old
 *   config's servers that are not reused are stopped (after the requests they are answering);
 * - an entity that cannot start fails the update: UPDATE_FAILED, the old config unchanged and
 *   serving, the pending config dropped; the entity's `deployment_state_message` said why while
 *   pending, and its `build-logs` keep saying it;
 * - `state.ready` is READY while a config serves (all its entities are ready by construction).
 */
export class ServingEndpoints {
    private readonly endpoints = new Map<string, Endpoint>();
    private readonly slowUpdates = new Map<string, number>();
    private readonly work = new Set<Promise<void>>();

    constructor(private readonly options: ServingEndpointsOptions) {}

    /** The next config update of `name` (create included) takes at least `ms` before its servers start. */
    slowNextUpdate(name: string, ms: number): void {
        this.slowUpdates.set(name, ms);
    }

    async create(body: Record<string, any>): Promise<unknown> {
        const name = checkEndpointName(body.name);
        if (this.endpoints.has(name)) throw alreadyExists(`Endpoint with name '${name}' already exists.`);
        if (body.route_optimized === true) throw invalidParameter("Route-optimized endpoints are not served by this workspace.");
        const config = body.config === undefined ? undefined : await this.checkedConfig(body.config);
        // Checked again after the await: another create of the name may have won.
        if (this.endpoints.has(name)) throw alreadyExists(`Endpoint with name '${name}' already exists.`);
        const now = Date.now();
        const endpoint: Endpoint = {
            name,
            id: randomBytes(16).toString("hex"),
            created: now,
            lastUpdated: now,
            tags: new Map(checkTags(body.tags ?? []).map((t) => [t.key, t.value])),
            configUpdate: "NOT_UPDATING",
            deleted: false,
            abort: new AbortController(),
            lastEntity: new Map(),
        };
        this.endpoints.set(name, endpoint);
        if (config) this.beginUpdate(endpoint, config);
        return this.view(endpoint);
    }

    get(name: string): unknown {
        return this.view(this.endpoint(name));
    }

    list(): unknown {
        return { endpoints: [...this.endpoints.values()].map((e) => this.view(e)) };
    }

    /** The endpoint's id (what the Permissions API names it by) exists. */
    hasId(id: string): boolean {
        return [...this.endpoints.values()].some((e) => e.id === id);
    }

    async updateConfig(name: string, body: Record<string, any>): Promise<unknown> {
        const endpoint = this.endpoint(name);
        this.refuseWhileUpdating(endpoint);
        const config = await this.checkedConfig(body);
        this.refuseWhileUpdating(endpoint);
        if (endpoint.deleted) throw doesNotExist(`Endpoint with name '${name}' does not exist.`);
        this.beginUpdate(endpoint, config);
        return this.view(endpoint);
    }

    patchTags(name: string, body: Record<string, any>): unknown {
        const endpoint = this.endpoint(name);
        for (const tag of checkTags(body.add_tags ?? [])) endpoint.tags.set(tag.key, tag.value);
        for (const key of Array.isArray(body.delete_tags) ? body.delete_tags : []) endpoint.tags.delete(String(key));
        endpoint.lastUpdated = Date.now();
        return { tags: tagList(endpoint) };
    }

    async delete(name: string): Promise<unknown> {
        const endpoint = this.endpoint(name);
        endpoint.deleted = true;
        endpoint.abort.abort();
        this.endpoints.delete(name);
        this.options.onDeleted?.(endpoint.id);
        const live = endpoint.config;
        endpoint.config = undefined;
        if (live) this.record(endpoint);
        // Servers of an update under way are stopped when their start ends (runUpdate).
        await Promise.all((live?.entities ?? []).map((e) => e.retire()));
        return {};
    }

    buildLogs(name: string, entity: string): unknown {
        return { logs: this.entity(name, entity).buildLog.join("\n") };
    }

    /** The server logs of the entity that serves under the name (the live one before a pending or failed one). */
    serverLogs(name: string, entity: string): unknown {
        const live = this.endpoint(name).config?.entities.find((e) => e.name === entity);
        return { logs: (live ?? this.entity(name, entity)).running?.output() ?? "" };
    }

    /** The endpoint's metrics text: one series per entity of its live config. */
    metrics(name: string): string {
        return metricsText(this.endpoint(name).config?.entities ?? []);
    }

    /** What the data plane routes by: the endpoint's live config, or undefined for no such endpoint. */
    live(name: string): { readonly config?: EndpointConfig } | undefined {
        const endpoint = this.endpoints.get(name);
        return endpoint && { config: endpoint.config };
    }

    /** `state` and versions of an endpoint, for tests and scenarios. */
    state(name: string): { readonly ready: string; readonly configUpdate: ConfigUpdate; readonly configVersion?: number; readonly pendingVersion?: number } | undefined {
        const endpoint = this.endpoints.get(name);
        if (!endpoint) return undefined;
        return { ready: endpoint.config ? "READY" : "NOT_READY", configUpdate: endpoint.configUpdate, configVersion: endpoint.config?.version, pendingVersion: endpoint.pending?.version };
    }

    /** Stops every endpoint's servers, after the updates under way end. */
    async stop(): Promise<void> {
        const endpoints = [...this.endpoints.values()];
        for (const endpoint of endpoints) {
            endpoint.deleted = true;
            endpoint.abort.abort();
        }
        this.endpoints.clear();
        await Promise.allSettled([...this.work]);
        await Promise.all(endpoints.flatMap((e) => e.config?.entities ?? []).map((e) => e.retire()));
    }

    private refuseWhileUpdating(endpoint: Endpoint): void {
        if (endpoint.configUpdate === "IN_PROGRESS") {
            throw conflict(`Endpoint ${endpoint.name} already has an update in progress and can not be updated until the current update completes or fails.`);
        }
    }

    /** A config checked whole, its model versions found in the registry (404 like Databricks otherwise). */
    private async checkedConfig(raw: unknown): Promise<ServingConfig> {
        const config = checkConfig(raw);
        const found = await Promise.all(config.entities.map((e) => this.options.backend.versionExists(e.entity_name, e.entity_version)));
        const missing = config.entities.find((_, i) => !found[i]);
        if (missing) throw doesNotExist(`Model ${missing.entity_name} version ${missing.entity_version} does not exist in the workspace model registry.`);
        return config;
    }

    private beginUpdate(endpoint: Endpoint, config: ServingConfig): void {
        const live = endpoint.config;
        const entities = config.entities.map((c) => live?.entities.find((e) => sameServing(e.config, c)) ?? new ServedEntity(c));
        const pending: EndpointConfig = { version: (live?.version ?? 0) + 1, entities, routes: config.routes, startTime: Date.now() };
        for (const entity of entities) endpoint.lastEntity.set(entity.name, entity);
        endpoint.pending = pending;
        endpoint.configUpdate = "IN_PROGRESS";
        endpoint.lastUpdated = pending.startTime;
        const delay = this.slowUpdates.get(endpoint.name) ?? 0;
        this.slowUpdates.delete(endpoint.name);
        const run = this.runUpdate(endpoint, pending, delay);
        this.work.add(run);
        void run.finally(() => this.work.delete(run));
    }

    private async runUpdate(endpoint: Endpoint, pending: EndpointConfig, delayMs: number): Promise<void> {
        // At least one turn: the update is seen IN_PROGRESS by the caller of the PUT, as on Databricks.
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (endpoint.deleted) return;
        const starting = pending.entities.filter((e) => e.state === "DEPLOYMENT_CREATING");
        await Promise.all(starting.map((entity) => this.startEntity(endpoint, entity)));
        if (endpoint.deleted) {
            await Promise.all(starting.map((e) => e.retire()));
            return;
        }
        const failed = starting.filter((e) => e.state === "DEPLOYMENT_FAILED");
        if (failed.length > 0) {
            // The old config keeps serving; what this update started goes.
            endpoint.pending = undefined;
            endpoint.configUpdate = "UPDATE_FAILED";
            await Promise.all(starting.map((e) => e.retire()));
            return;
        }
        const previous = endpoint.config;
        endpoint.config = pending;
        endpoint.pending = undefined;
        endpoint.configUpdate = "NOT_UPDATING";
        this.record(endpoint);
        const retired = (previous?.entities ?? []).filter((e) => !pending.entities.includes(e));
        await Promise.all(retired.map((e) => e.retire()));
    }

    private async startEntity(endpoint: Endpoint, entity: ServedEntity): Promise<void> {
        try {
            const running = await this.options.backend.start(endpoint.name, entity.config, (line) => entity.buildLog.push(line), endpoint.abort.signal);
            entity.ready(running);
        } catch (err) {
            entity.failed(`Served entity ${entity.name} (model ${entity.config.entity_name} version ${entity.config.entity_version}) failed to deploy: ${(err as Error).message}`);
        }
    }

    private record(endpoint: Endpoint): void {
        const config = endpoint.config;
        this.options.timeline.push({
            workspace: this.options.host,
            endpoint: endpoint.name,
            at: Date.now(),
            configVersion: config?.version ?? null,
            routes: Object.fromEntries((config?.routes ?? []).map((r) => [r.served_model_name, r.traffic_percentage])),
            entities: Object.fromEntries((config?.entities ?? []).map((e) => [e.name, { entity_name: e.config.entity_name, entity_version: e.config.entity_version }])),
        });
    }

    private endpoint(name: string): Endpoint {
        const endpoint = this.endpoints.get(name);
        if (!endpoint) throw doesNotExist(`Endpoint with name '${name}' does not exist.`);
        return endpoint;
    }

    private entity(name: string, entity: string): ServedEntity {
        const found = this.endpoint(name).lastEntity.get(entity);
        if (!found) throw doesNotExist(`Served entity ${entity} does not exist on endpoint ${name}.`);
        return found;
    }

    private view(endpoint: Endpoint): Record<string, unknown> {
        return {
            name: endpoint.name,
            id: endpoint.id,
            creator: this.options.creator,
            creation_timestamp: endpoint.created,
            last_updated_timestamp: endpoint.lastUpdated,
            state: { ready: endpoint.config ? "READY" : "NOT_READY", config_update: endpoint.configUpdate },
            ...(endpoint.config ? { config: this.configView(endpoint.config) } : {}),
            ...(endpoint.pending ? { pending_config: { ...this.configView(endpoint.pending), start_time: endpoint.pending.startTime } } : {}),
            tags: tagList(endpoint),
            permission_level: "CAN_MANAGE",
            route_optimized: false,
        };
    }

    private configView(config: EndpointConfig): Record<string, unknown> {
        return {
            served_entities: config.entities.map((e) => ({
                ...e.config,
                creation_timestamp: e.created,
                creator: this.options.creator,
                state: { deployment: e.state, deployment_state_message: e.message },
            })),
            traffic_config: { routes: config.routes.map((r) => ({ served_model_name: r.served_model_name, served_entity_name: r.served_model_name, traffic_percentage: r.traffic_percentage })) },
            config_version: config.version,
        };
    }
}

function checkTags(tags: unknown): { key: string; value?: string }[] {
    if (!Array.isArray(tags)) throw invalidParameter("tags must be a list of {key, value}");
    return tags.map((t: Record<string, unknown>) => {
        if (typeof t?.key !== "string" || t.key === "") throw invalidParameter("Each tag needs a key");
        return { key: t.key, value: t.value === undefined || t.value === null ? undefined : String(t.value) };
    });
}

function tagList(endpoint: Endpoint): { key: string; value?: string }[] {
    return [...endpoint.tags].map(([key, value]) => (value === undefined ? { key } : { key, value }));
}
