import { DatabricksRestClient, isMissing } from "./restClient";
import { DatabricksResourceType, OperationContext, waitUntil } from "./resourceType";
import { autonamed, fromApi, pick, requiredInputs, tagSet, toApi, unservedInputs, withoutBookkeeping } from "./schema";

const endpoints = "/api/2.0/serving-endpoints";
/** TF serving/resource_model_serving.go `DefaultProvisionTimeout`: create and config updates wait up to 45 minutes. */
const provisionTimeoutMs = 45 * 60_000;
/** Map-typed fields whose keys are the user's. */
const freeMaps = ["environmentVars"];
/** The served-entity fields of the Terraform schema (`ServedEntityInput`), which is what the state keeps of a read config. */
const entityInputs = [
    "name", "entityName", "entityVersion", "workloadSize", "workloadType", "scaleToZeroEnabled", "environmentVars",
    "minProvisionedConcurrency", "maxProvisionedConcurrency", "minProvisionedThroughput", "maxProvisionedThroughput",
    "provisionedModelUnits", "burstScalingEnabled", "instanceProfileArn", "externalModel",
];

/** What the state keeps of an endpoint's live config: the input schema's fields (TF `StructToData` with `EndpointCoreConfigInput`). */
function configOutput(config: unknown): Record<string, any> | undefined {
    if (!config || typeof config !== "object") return undefined;
    const read = fromApi(config, freeMaps) as Record<string, any>;
    return withoutBookkeeping({
        servedEntities: Array.isArray(read.servedEntities) ? read.servedEntities.map((e: Record<string, any>) => pick(e, entityInputs)) : undefined,
        trafficConfig: read.trafficConfig?.routes
            ? { routes: read.trafficConfig.routes.map((r: Record<string, any>) => pick(r, ["servedModelName", "servedEntityName", "trafficPercentage"])) }
            : undefined,
        autoCaptureConfig: read.autoCaptureConfig ? pick(read.autoCaptureConfig, ["catalogName", "schemaName", "tableNamePrefix", "enabled"]) : undefined,
    });
}

async function get(client: DatabricksRestClient, name: string): Promise<Record<string, any>> {
    return client.get(`${endpoints}/${encodeURIComponent(name)}`);
}

/** The endpoint's outputs from its GET (TF Read: the schema's fields, `serving_endpoint_id`, `endpoint_url`). */
function outputsOf(inputs: Record<string, any>, endpoint: Record<string, any>): Record<string, any> {
    return withoutBookkeeping({
        ...inputs,
        name: endpoint.name,
        config: configOutput(endpoint.config),
        tags: Array.isArray(endpoint.tags) ? endpoint.tags.map((t: Record<string, any>) => pick(t, ["key", "value"])) : undefined,
        routeOptimized: endpoint.route_optimized ?? inputs.routeOptimized,
        description: endpoint.description ?? inputs.description,
        servingEndpointId: endpoint.id,
        endpointUrl: endpoint.endpoint_url ?? "",
    });
}

/**
 * Waits for `state.config_update` to leave IN_PROGRESS, as databricks-sdk-go's
 * `WaitGetServingEndpointNotUpdating` does: NOT_UPDATING is done; UPDATE_FAILED and UPDATE_CANCELED
 * fail ("failed to reach NOT_UPDATING, got UPDATE_FAILED"), with each entity's deployment message.
 */
async function notUpdating(ctx: OperationContext, name: string, deadline: number): Promise<Record<string, any>> {
    return waitUntil(ctx, deadline, `serving endpoint ${name} to reach NOT_UPDATING`, async () => {
        const endpoint = await get(ctx.client, name);
        const status = endpoint.state?.config_update ?? "NOT_UPDATING";
        if (status === "NOT_UPDATING") return endpoint;
        if (status === "UPDATE_FAILED" || status === "UPDATE_CANCELED") {
            const entities = [...(endpoint.pending_config?.served_entities ?? []), ...(endpoint.config?.served_entities ?? [])];
            const reasons = entities
                .filter((e: Record<string, any>) => e.state?.deployment === "DEPLOYMENT_FAILED" && e.state?.deployment_state_message)
                .map((e: Record<string, any>) => `${e.name}: ${e.state.deployment_state_message}`);
            throw new Error(`failed to reach NOT_UPDATING, got ${status}: current status: ${status}${reasons.length ? ` (${reasons.join("; ")})` : ""}`);
        }
        return undefined;
    });
}

/**
 * `databricks:index/modelServing:ModelServing` (TF `databricks_model_serving`,
 * serving/resource_model_serving.go @684f442):
 * - ForceNew: `name`, `route_optimized` (and `config.auto_capture_config` catalog, schema and prefix,
 *   not served here);
 * - `config` and `config.traffic_config` are Optional+Computed: a program without `config` never
 *   diffs on it and an update never sends one ("Removing a config ... is a no-op"); with `config`,
 *   only the fields the program gives are compared (entity `name` and `workload_type` are Computed);
 * - create: POST, then wait up to 45 minutes for NOT_UPDATING; a failed wait deletes the endpoint
 *   (as TF does) and fails; id = the endpoint's name;
 * - read: GET; `serving_endpoint_id` = its `id`, `endpoint_url`; 404 removes it from the state;
 * - update: `config` changed -> PUT `.../config` and wait; `tags` changed -> PATCH `.../tags` with
 *   the keys to add and delete against the live tags (`updateTags`); nothing else is sent;
 * - delete: DELETE; a missing endpoint is done.
 */
export const modelServing: DatabricksResourceType = {
    token: "databricks:index/modelServing:ModelServing",
    tfName: "model serving",
    named: true,
    rules: {
        replaceKeys: ["name", "routeOptimized"],
        computed: ["config"],
        subset: ["config"],
        normalize: { tags: tagSet },
    },

    check(urn, olds, news) {
        const inputs = autonamed(urn, olds, news);
        const failures = [
            ...requiredInputs(inputs, ["name"]),
            ...unservedInputs("ModelServing", inputs, ["aiGateway", "rateLimits", "budgetPolicyId", "emailNotifications", "telemetryConfig", "providerConfig"]),
        ];
        return { inputs, failures };
    },

    async create(ctx, inputs) {
        const body = toApi(pick(inputs, ["name", "config", "tags", "routeOptimized", "description"]), freeMaps);
        await ctx.client.post(endpoints, body);
        try {
            const endpoint = await notUpdating(ctx, inputs.name, ctx.deadline(provisionTimeoutMs));
            return { id: endpoint.name, outs: outputsOf(inputs, endpoint) };
        } catch (err) {
            await ctx.client.delete(`${endpoints}/${encodeURIComponent(inputs.name)}`).catch(() => undefined);
            throw err;
        }
    },

    async read(ctx, id, props) {
        try {
            return outputsOf(props, await get(ctx.client, id));
        } catch (err) {
            if (isMissing(err)) return undefined;
            throw err;
        }
    },

    async update(ctx, id, olds, news, changed) {
        if (changed.includes("config") && news.config !== undefined) {
            await ctx.client.put(`${endpoints}/${encodeURIComponent(id)}/config`, toApi(news.config, freeMaps));
            await notUpdating(ctx, id, ctx.deadline(provisionTimeoutMs));
        }
        if (changed.includes("tags")) {
            const live: { key: string; value?: string }[] = (await get(ctx.client, id)).tags ?? [];
            const wanted: { key: string; value?: string }[] = news.tags ?? [];
            const add = wanted.filter((t) => !live.some((l) => l.key === t.key && (l.value ?? "") === (t.value ?? "")));
            const remove = live.filter((l) => !wanted.some((t) => t.key === l.key)).map((l) => l.key);
            await ctx.client.patch(`${endpoints}/${encodeURIComponent(id)}/tags`, { add_tags: add.map((t) => pick(t, ["key", "value"])), delete_tags: remove });
        }
        return outputsOf({ ...olds, ...news }, await get(ctx.client, id));
    },

    async delete(ctx, id) {
        await ctx.client.delete(`${endpoints}/${encodeURIComponent(id)}`).catch((err) => {
            if (!isMissing(err)) throw err;
        });
    },
};
