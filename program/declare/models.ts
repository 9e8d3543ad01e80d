import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { modelVersionKey } from "../../config/modelVersionKey";
import { MlflowModelVersions } from "../components/model/mlflowModelVersions";
import { MlWorkspace } from "../components/workspace/mlWorkspace";
import { StackScope } from "./stackScope";
import { inWorkspace } from "./workspace";

export interface DeclaredModels {
    readonly models: MlflowModelVersions;
    /** ARM ids of the registered versions by `name:version`: what deployments name. */
    readonly modelVersionIds: Record<string, pulumi.Output<string>>;
}

/** Every model version in config, registered from its folder (content-addressed, immutable). */
export function declareModels(scope: StackScope, workspace: MlWorkspace): DeclaredModels {
    const { config } = scope;
    const models = new MlflowModelVersions("models", {
        ...inWorkspace(workspace),
        stackFile: scope.stackFile,
        cloud: scope.cloud,
        storageAccountName: workspace.storageAccountName,
        blobContainerName: workspace.defaultBlobContainerName,
        versions: config.models.map((m) => ({
            name: m.name,
            version: m.version,
            dir: path.resolve(scope.projectDir, m.path),
            description: m.description,
            tags: m.tags,
        })),
        protect: config.protectResources,
        tags: scope.tags,
    });
    const modelVersionIds = Object.fromEntries(
        config.models.map((m) => {
            const key = modelVersionKey(m.name, m.version);
            return [key, models.versions[key].id];
        }),
    );
    return { models, modelVersionIds };
}
