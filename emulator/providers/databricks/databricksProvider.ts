import type * as provider from "@pulumi/pulumi/provider";
import { diffDetails } from "../azureNative/detailedDiff";
import { cluster } from "./cluster";
import { requestContext, withoutSecrets } from "./engineRequests";
import { mlflowExperiment } from "./mlflowExperiment";
import { mlflowModel } from "./mlflowModel";
import { modelServing } from "./modelServing";
import { permissions } from "./permissions";
import type { ProviderConfig } from "./providerConfig";
import { DatabricksApiError, DatabricksRestClient, RestClientOptions } from "./restClient";
import type { DatabricksResourceType, OperationContext } from "./resourceType";
import { inputDiff, namedByProgram } from "./schema";

/** The version of @pulumi/databricks this stands in for: the pinned SDK registers its resources with it. */
export const databricksProviderVersion = "1.110.0";

const served: readonly DatabricksResourceType[] = [modelServing, mlflowExperiment, mlflowModel, cluster, permissions];
const byToken = new Map(served.map((t) => [t.token, t]));

function typeOf(urn: string): DatabricksResourceType {
    // urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>: the type is the last of the chain.
    const token = urn.split("::")[2].split("$").pop()!;
    const type = byToken.get(token);
    if (!type) throw new Error(`the local databricks provider does not serve ${token} (it serves ${[...byToken.keys()].join(", ")})`);
    return type;
}

/** An error as the real provider words one: `cannot <verb> <resource>: <Databricks' error_code: message>`. */
function failed(type: DatabricksResourceType, verb: string, err: unknown): Error {
    const detail = err instanceof DatabricksApiError || err instanceof Error ? err.message : String(err);
    return new Error(`cannot ${verb} ${type.tfName}: ${detail}`);
}

/**
 * The `databricks` provider plugin (pulumi-databricks 1.110.0) against the local Databricks
 * workspace API (emulator/databricks/), for the types a stack declares: ModelServing,
 * MlflowExperiment, MlflowModel, Cluster, Permissions, and the invoke getCurrentUser. Each type's
 * check, diff and operations mirror the Terraform resource it bridges (see each type's file and
 * README.md); the configuration (`host`, `azureWorkspaceResourceId`, `token`) is what Configure
 * carried (engineRequests.ts).
 */
export function databricksProvider(config: () => ProviderConfig, options: RestClientOptions = {}): provider.Provider {
    let client: DatabricksRestClient | undefined;
    const context = (kind: string, urn: string): OperationContext => {
        client ??= new DatabricksRestClient(config, options);
        const request = requestContext(kind, urn);
        return {
            client,
            oldInputs: request.oldInputs,
            deadline: (defaultMs) => Date.now() + (request.timeoutSeconds ? request.timeoutSeconds * 1000 : defaultMs),
        };
    };
    const plain = (value: Record<string, any>) => withoutSecrets(value) as Record<string, any>;

    return {
        version: databricksProviderVersion,

        async check(urn, olds, news) {
            return typeOf(urn).check(urn, plain(olds ?? {}), plain(news));
        },

        async diff(_id, urn, olds, news) {
            const type = typeOf(urn);
            const before = plain(olds);
            const after = plain(news);
            const { changed, replaces } = inputDiff(type.rules, requestContext("diff", urn).oldInputs, before, after);
            diffDetails.set(urn, { changed, replaces, before, after });
            return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && type.named && namedByProgram(after) };
        },

        async create(urn, inputs) {
            const type = typeOf(urn);
            try {
                return await type.create(context("create", urn), plain(inputs));
            } catch (err) {
                throw failed(type, "create", err);
            }
        },

        async read(id, urn, props) {
            const type = typeOf(urn);
            try {
                const outs = await type.read(context("read", urn), id, plain(props ?? {}));
                return outs ? { id, props: outs } : ({ id: "", props: {} } as unknown as provider.ReadResult);
            } catch (err) {
                throw failed(type, "read", err);
            }
        },

        async update(id, urn, olds, news) {
            const type = typeOf(urn);
            const before = plain(olds);
            const after = plain(news);
            const { changed } = inputDiff(type.rules, requestContext("update", urn).oldInputs, before, after);
            try {
                return { outs: await type.update(context("update", urn), id, before, after, changed) };
            } catch (err) {
                throw failed(type, "update", err);
            }
        },

        async delete(id, urn, props) {
            const type = typeOf(urn);
            try {
                await type.delete(context("delete", urn), id, plain(props ?? {}));
            } catch (err) {
                throw failed(type, "delete", err);
            }
        },

        async invoke(token, _inputs) {
            if (token !== "databricks:index/getCurrentUser:getCurrentUser") {
                throw new Error(`the local databricks provider does not serve the invoke ${token} (it serves databricks:index/getCurrentUser:getCurrentUser)`);
            }
            client ??= new DatabricksRestClient(config, options);
            const me = await client.get<Record<string, any>>("/api/2.0/preview/scim/v2/Me");
            const userName = String(me.userName ?? "");
            const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userName);
            // TF scim/data_current_user.go.
            return {
                outputs: {
                    id: me.id,
                    userName,
                    home: `/Users/${userName}`,
                    repos: `/Repos/${userName}`,
                    aclPrincipalId: uuid ? `servicePrincipals/${userName}` : `users/${userName}`,
                    externalId: me.externalId ?? "",
                    alphanumeric: userName.split("@")[0].replace(/\W/g, "_").toLowerCase(),
                    workspaceUrl: `https://${await client.host()}`,
                },
            };
        },
    };
}
