import { DatabricksApiError, isMissing } from "./restClient";
import { DatabricksResourceType, OperationContext, waitUntil } from "./resourceType";
import { fromApi, pick, requiredInputs, toApi, unservedInputs, withoutBookkeeping } from "./schema";

const api = "/api/2.1/clusters";
/** TF clusters/resource_cluster.go `DefaultProvisionTimeout`: 30 minutes. */
const provisionTimeoutMs = 30 * 60_000;
/** Map-typed fields whose keys are the user's. */
const freeMaps = ["sparkConf", "sparkEnvVars", "customTags", "defaultTags"];
/** The cluster spec's fields (the ClusterArgs of @pulumi/databricks 1.110.0): what a create or edit sends. */
const specFields = [
    "applyPolicyDefaultValues", "autoscale", "autoterminationMinutes", "awsAttributes", "azureAttributes", "clusterLogConf",
    "clusterName", "customTags", "dataSecurityMode", "dockerImage", "driverInstancePoolId", "driverNodeTypeFlexibility", "driverNodeTypeId",
    "enableElasticDisk", "enableLocalDiskEncryption", "gcpAttributes", "idempotencyToken", "initScripts", "instancePoolId", "isSingleNode",
    "kind", "nodeTypeId", "numWorkers", "policyId", "remoteDiskThroughput", "runtimeEngine", "singleUserName", "sparkConf", "sparkEnvVars",
    "sparkVersion", "sshPublicKeys", "totalInitialRemoteDiskSize", "useMlRuntime", "workerNodeTypeFlexibility", "workloadType", "dependencyMode",
];
/** Inputs of the provider only, never sent (TF `clusterConfigFieldsToIgnore` and `no_wait`). */
const providerOnly = ["noWait", "isPinned", "libraries", "clearCloudAttributesOnRemove", "clusterMountInfos"];

/**
 * A cluster's id from its GET: TF `wrapMissingClusterError` counts "Cluster <id> does not exist"
 * (Databricks answers it with 400 INVALID_PARAMETER_VALUE) as missing.
 */
function missingCluster(err: unknown, id: string): boolean {
    return isMissing(err) || (err instanceof DatabricksApiError && err.apiMessage.includes(`Cluster ${id} does not exist`));
}

async function details(ctx: OperationContext, id: string): Promise<Record<string, any>> {
    return ctx.client.get(`${api}/get`, { cluster_id: id });
}

async function outputsOf(ctx: OperationContext, props: Record<string, any>, cluster: Record<string, any>): Promise<Record<string, any>> {
    const read = fromApi(cluster, freeMaps) as Record<string, any>;
    return withoutBookkeeping({
        ...props,
        ...pick(read, specFields),
        clusterId: cluster.cluster_id,
        state: cluster.state,
        defaultTags: read.defaultTags,
        url: `https://${await ctx.client.host()}/#setting/clusters/${cluster.cluster_id}/configuration`,
    });
}

/** databricks-sdk-go `WaitGetClusterRunning`: RUNNING is done; TERMINATED and ERROR fail. */
async function running(ctx: OperationContext, id: string, deadline: number): Promise<Record<string, any>> {
    return waitUntil(ctx, deadline, `cluster ${id} to reach RUNNING`, async () => {
        const cluster = await details(ctx, id);
        if (cluster.state === "RUNNING") return cluster;
        if (cluster.state === "TERMINATED" || cluster.state === "ERROR") {
            throw new Error(`failed to reach RUNNING, got ${cluster.state}: ${cluster.state_message ?? ""}`);
        }
        return undefined;
    });
}

/**
 * `databricks:index/cluster:Cluster` (TF `databricks_cluster`, clusters/resource_cluster.go @684f442),
 * state only (no Spark runs locally):
 * - ForceNew: `idempotency_token`; defaults `autotermination_minutes` 60 and `num_workers` 0 (the
 *   bridge adds them to the inputs); Computed: `node_type_id`, `driver_node_type_id`,
 *   `driver_instance_pool_id`, `enable_elastic_disk`, `enable_local_disk_encryption`;
 * - create: `clusters/create` with the spec, then (unless `no_wait`) wait up to 30 minutes for
 *   RUNNING; a cluster that ends TERMINATED or ERROR is deleted and the create fails; id = `cluster_id`;
 * - read: `clusters/get`; "does not exist" removes it from the state;
 * - update: a spec change -> `clusters/edit` with the whole spec (a running cluster restarts;
 *   retried while Databricks answers INVALID_STATE, up to 15 minutes); `no_wait`, `is_pinned`,
 *   `libraries` alone send nothing;
 * - delete: `clusters/permanent-delete`; a missing cluster is done.
 */
export const cluster: DatabricksResourceType = {
    token: "databricks:index/cluster:Cluster",
    tfName: "cluster",
    named: false,
    rules: {
        replaceKeys: ["idempotencyToken"],
        computed: ["nodeTypeId", "driverNodeTypeId", "driverInstancePoolId", "enableElasticDisk", "enableLocalDiskEncryption"],
    },

    check(_urn, _olds, news) {
        const defaults = { autoterminationMinutes: 60, numWorkers: 0 };
        const defaulted = Object.keys(defaults).filter((key) => news[key] === undefined);
        const inputs = { ...defaults, ...news, ...(defaulted.length ? { __defaults: [...new Set([...(news.__defaults ?? []), ...defaulted])] } : {}) };
        const failures = [
            ...requiredInputs(inputs, ["sparkVersion"]),
            ...unservedInputs("Cluster", inputs, ["libraries", "clusterMountInfos", "providerConfig", "isPinned"]),
        ];
        return { inputs, failures };
    },

    async create(ctx, inputs) {
        const { cluster_id: id } = await ctx.client.post<{ cluster_id: string }>(`${api}/create`, toApi(pick(inputs, specFields), freeMaps));
        if (inputs.noWait === true) return { id, outs: await outputsOf(ctx, inputs, await details(ctx, id)) };
        try {
            return { id, outs: await outputsOf(ctx, inputs, await running(ctx, id, ctx.deadline(provisionTimeoutMs))) };
        } catch (err) {
            await ctx.client.post(`${api}/permanent-delete`, { cluster_id: id }).catch(() => undefined);
            throw err;
        }
    },

    async read(ctx, id, props) {
        try {
            return await outputsOf(ctx, props, await details(ctx, id));
        } catch (err) {
            if (missingCluster(err, id)) return undefined;
            throw err;
        }
    },

    async update(ctx, id, olds, news, changed) {
        if (changed.some((key) => !providerOnly.includes(key))) {
            const deadline = Date.now() + 15 * 60_000;
            for (;;) {
                try {
                    await ctx.client.post(`${api}/edit`, { cluster_id: id, ...toApi(pick(news, specFields), freeMaps) });
                    break;
                } catch (err) {
                    if (!(err instanceof DatabricksApiError && err.errorCode === "INVALID_STATE") || Date.now() > deadline) throw err;
                    await ctx.client.sleep();
                }
            }
        }
        return outputsOf(ctx, { ...olds, ...news }, await details(ctx, id));
    },

    async delete(ctx, id) {
        await ctx.client.post(`${api}/permanent-delete`, { cluster_id: id }).catch((err) => {
            if (!missingCluster(err, id)) throw err;
        });
    },
};
