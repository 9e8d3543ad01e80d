import { isMissing } from "./restClient";
import { DatabricksResourceType } from "./resourceType";
import { autonamed, pick, requiredInputs, toApi, unservedInputs, withoutBookkeeping } from "./schema";

const api = "/api/2.0/mlflow/experiments";

/** TF `experimentNameSuppressDiff`: `/Workspace/Shared/x/` and `/Shared/x` name the same experiment. */
function experimentName(value: unknown): unknown {
    return typeof value === "string" ? value.replace(/^\/Workspace/, "").replace(/\/$/, "") : value;
}

/**
 * `databricks:index/mlflowExperiment:MlflowExperiment` (TF `databricks_mlflow_experiment`,
 * mlflow/resource_mlflow_experiment.go @684f442):
 * - ForceNew: `artifact_location` (with SetSuppressDiff: left out, the server's value stands) and
 *   `trace_location` (not served here); a rename is an update (`experiments/update` with `new_name`),
 *   a name differing only by a `/Workspace` prefix or a trailing `/` is no change;
 * - Computed: `experiment_id`, `creation_time`, `last_update_time`, `lifecycle_stage`, `tags` (tags
 *   are sent at create only; Update renames and nothing else, so a later tag change is applied to
 *   nothing, as in the real provider); `description` is never sent ("the API never accepts description");
 * - create: `experiments/create` {name, artifact_location, tags}; id = `experiment_id`;
 * - read: `experiments/get?experiment_id=`; 404 removes it (a deleted experiment MLflow still
 *   lists, with `lifecycle_stage: deleted`, stays, as in TF);
 * - delete: `experiments/delete` {experiment_id}; a missing experiment is done.
 */
export const mlflowExperiment: DatabricksResourceType = {
    token: "databricks:index/mlflowExperiment:MlflowExperiment",
    tfName: "mlflow experiment",
    named: true,
    rules: {
        replaceKeys: ["artifactLocation", "traceLocation"],
        computed: ["artifactLocation", "tags", "experimentId", "creationTime", "lastUpdateTime", "lifecycleStage"],
        normalize: { name: experimentName },
    },

    check(urn, olds, news) {
        const inputs = autonamed(urn, olds, news);
        return { inputs, failures: [...requiredInputs(inputs, ["name"]), ...unservedInputs("MlflowExperiment", inputs, ["traceLocation", "providerConfig"])] };
    },

    async create(ctx, inputs) {
        const created = await ctx.client.post<{ experiment_id: string }>(`${api}/create`, toApi(pick(inputs, ["name", "artifactLocation", "tags"])));
        const outs = await this.read(ctx, created.experiment_id, inputs);
        if (!outs) throw new Error(`experiment ${created.experiment_id} was created but cannot be read`);
        return { id: created.experiment_id, outs };
    },

    async read(ctx, id, props) {
        try {
            const { experiment } = await ctx.client.get<{ experiment: Record<string, any> }>(`${api}/get`, { experiment_id: id });
            return withoutBookkeeping({
                ...props,
                name: experiment.name,
                experimentId: experiment.experiment_id,
                artifactLocation: experiment.artifact_location,
                lifecycleStage: experiment.lifecycle_stage,
                creationTime: experiment.creation_time,
                lastUpdateTime: experiment.last_update_time,
                tags: (experiment.tags ?? []).map((t: Record<string, any>) => pick(t, ["key", "value"])),
            });
        } catch (err) {
            if (isMissing(err)) return undefined;
            throw err;
        }
    },

    async update(ctx, id, olds, news, changed) {
        if (changed.includes("name")) await ctx.client.post(`${api}/update`, { experiment_id: id, new_name: news.name });
        const outs = await this.read(ctx, id, { ...olds, ...news });
        if (!outs) throw new Error(`experiment ${id} does not exist`);
        return outs;
    },

    async delete(ctx, id) {
        await ctx.client.post(`${api}/delete`, { experiment_id: id }).catch((err) => {
            if (!isMissing(err)) throw err;
        });
    },
};
