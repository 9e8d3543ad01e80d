import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { ServedEntityConfig } from "../../config/databricks/schema";
import { ServingConfigInputs } from "../../runtime/databricks/servingConfigProvider";
import { ServedEntitySpec } from "../../runtime/databricks/servingConfig";
import { RolloutSettings } from "../../runtime/rollout/rolloutSettings";
import { DatabricksModelVersion, ServingEndpointConfig } from "./resources";

export interface ServingEndpointArgs {
    readonly workspaceUrl: pulumi.Input<string>;
    readonly endpointName: string;
    readonly servedEntities: readonly ServedEntityConfig[];
    /** Each entity's model version resource, by `name:version`. */
    readonly modelVersions: Readonly<Record<string, DatabricksModelVersion>>;
    readonly routes: Readonly<Record<string, number>>;
    readonly timeoutSeconds: number;
    readonly rollout?: RolloutSettings;
    /** The smoke request each new or changed entity must answer directly before it gets traffic. */
    readonly probe?: ServingConfigInputs["probe"];
    /** CAN_QUERY for the identity that deploys (and smoke-tests), plus the configured grants. */
    readonly deployerApplicationId: pulumi.Input<string>;
    readonly permissions: readonly { user?: string; group?: string; servicePrincipal?: string; level: string }[];
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * A Model Serving endpoint as two owners: the `databricks.ModelServing` shell (name and tags;
 * declared without a config, which the provider's schema marks computed, so it never diffs on
 * the live entities and routes) and the config resource, the one owner of served entities and
 * routes, which moves them safely (runtime/databricks/servingConfigProvider.ts). Permissions
 * grant CAN_QUERY to the deploying identity, which runs the smoke test.
 */
export class ServingEndpoint extends pulumi.ComponentResource {
    public readonly endpointName: pulumi.Output<string>;
    public readonly servingEndpointId: pulumi.Output<string>;
    public readonly config: ServingEndpointConfig;

    constructor(name: string, args: ServingEndpointArgs, opts: pulumi.ComponentResourceOptions & { provider: pulumi.ProviderResource }) {
        super("azureml-mlflow:databricks:ServingEndpoint", name, {}, opts);
        const provider = opts.provider;
        const versions = args.servedEntities.map((e) => args.modelVersions[e.model]);
        // Created after the versions it will serve (a config naming a missing version fails: databricks/mlops-stacks#217).
        const endpoint = new databricks.ModelServing(
            `${name}-endpoint`,
            { name: args.endpointName, tags: Object.entries(args.tags).map(([key, value]) => ({ key, value })) },
            { parent: this, provider, dependsOn: versions },
        );
        const permissions = new databricks.Permissions(
            `${name}-permissions`,
            {
                servingEndpointId: endpoint.servingEndpointId,
                accessControls: [
                    { servicePrincipalName: args.deployerApplicationId, permissionLevel: "CAN_QUERY" },
                    // In a stable order: reordering the list in the stack file changes nothing.
                    ...args.permissions
                        .map((p) => ({ userName: p.user, groupName: p.group, servicePrincipalName: p.servicePrincipal, permissionLevel: p.level }))
                        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
                ],
            },
            { parent: this, provider },
        );
        this.config = new ServingEndpointConfig(
            `${name}-config`,
            {
                workspaceUrl: args.workspaceUrl,
                endpointName: endpoint.name,
                servedEntities: [...args.servedEntities].sort((a, b) => (a.name < b.name ? -1 : 1)).map((e) => entitySpec(e)),
                routes: { ...args.routes },
                timeoutSeconds: args.timeoutSeconds,
                rollout: args.rollout,
                probe: args.probe,
            },
            { parent: this, dependsOn: [endpoint, permissions, ...versions] },
        );
        this.endpointName = endpoint.name;
        this.servingEndpointId = endpoint.servingEndpointId;
        this.registerOutputs({ endpointName: this.endpointName });
    }
}

function entitySpec(entity: ServedEntityConfig): ServedEntitySpec {
    const at = entity.model.lastIndexOf(":");
    return { name: entity.name, entityName: entity.model.slice(0, at), entityVersion: entity.model.slice(at + 1), workloadSize: entity.workloadSize, scaleToZero: entity.scaleToZero };
}
