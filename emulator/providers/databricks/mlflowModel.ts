import { isMissing } from "./restClient";
import { DatabricksResourceType } from "./resourceType";
import { autonamed, pick, requiredInputs, tagSet, toApi, unservedInputs, withoutBookkeeping } from "./schema";

const api = "/api/2.0/mlflow";
const tagList = (tags: unknown) => (Array.isArray(tags) ? tags.map((t: Record<string, any>) => pick(t, ["key", "value"])) : []);

/**
 * `databricks:index/mlflowModel:MlflowModel` (TF `databricks_mlflow_model`,
 * mlflow/resource_mlflow_model.go @684f442), a model of the workspace registry:
 * - ForceNew: `name`; id = the model's name;
 * - create: `registered-models/create` {name, description, tags};
 * - read: `databricks/registered-models/get?name=` (`registered_model_databricks`), whose `id` is
 *   the output `registeredModelId` (what `Permissions.registeredModelId` takes); 404 removes it;
 * - update: `registered-models/update` {name, description} when the description changes; tags by
 *   `registered-models/set-tag` and `delete-tag` (the real provider's update sends name and
 *   description only, so its tag changes never reach Databricks: see README, what differs);
 * - delete: `registered-models/delete` {name}; a missing model is done.
 */
export const mlflowModel: DatabricksResourceType = {
    token: "databricks:index/mlflowModel:MlflowModel",
    tfName: "mlflow model",
    named: true,
    rules: { replaceKeys: ["name"], normalize: { tags: tagSet } },

    check(urn, olds, news) {
        const inputs = autonamed(urn, olds, news);
        return { inputs, failures: [...requiredInputs(inputs, ["name"]), ...unservedInputs("MlflowModel", inputs, ["providerConfig"])] };
    },

    async create(ctx, inputs) {
        const { registered_model } = await ctx.client.post<{ registered_model: { name: string } }>(`${api}/registered-models/create`, toApi(pick(inputs, ["name", "description", "tags"])));
        const outs = await this.read(ctx, registered_model.name, inputs);
        if (!outs) throw new Error(`registered model ${registered_model.name} was created but cannot be read`);
        return { id: registered_model.name, outs };
    },

    async read(ctx, id, props) {
        try {
            const { registered_model_databricks: model } = await ctx.client.get<{ registered_model_databricks: Record<string, any> }>(`${api}/databricks/registered-models/get`, { name: id });
            return withoutBookkeeping({ ...props, name: model.name, description: model.description, tags: tagList(model.tags), registeredModelId: model.id });
        } catch (err) {
            if (isMissing(err)) return undefined;
            throw err;
        }
    },

    async update(ctx, id, olds, news, changed) {
        if (changed.includes("description")) await ctx.client.patch(`${api}/registered-models/update`, { name: id, description: news.description ?? "" });
        if (changed.includes("tags")) {
            const before = tagList(olds.tags);
            const after = tagList(news.tags);
            for (const tag of after.filter((t) => !before.some((b) => b.key === t.key && (b.value ?? "") === (t.value ?? "")))) {
                await ctx.client.post(`${api}/registered-models/set-tag`, { name: id, key: tag.key, value: tag.value ?? "" });
            }
            for (const tag of before.filter((b) => !after.some((t) => t.key === b.key))) {
                await ctx.client.delete(`${api}/registered-models/delete-tag`, { name: id, key: tag.key });
            }
        }
        const outs = await this.read(ctx, id, { ...olds, ...news });
        if (!outs) throw new Error(`registered model ${id} does not exist`);
        return outs;
    },

    async delete(ctx, id) {
        await ctx.client.delete(`${api}/registered-models/delete`, { name: id }).catch((err) => {
            if (!isMissing(err)) throw err;
        });
    },
};
