import * as pulumi from "@pulumi/pulumi";
import { modelSourceOf } from "../../config/modelSources";
import { parseRegistryModel } from "../../config/registryModels";
import { MlRegistry } from "../components/registry/mlRegistry";
import { modelVersionKey } from "../../config/modelVersionKey";
import { jobOutputModelUri } from "../../runtime/models/runArtifactUri";
import { MlflowModelVersions, ModelVersionSpec } from "../components/model/mlflowModelVersions";
import { MlWorkspace } from "../components/workspace/mlWorkspace";
import { StackScope } from "./stackScope";
import { inWorkspace } from "./workspace";

export interface DeclaredModels {
    readonly models: MlflowModelVersions;
    /** ARM ids of the versions deployments name, by `name:version`: registered here, or by reference. */
    readonly modelVersionIds: Record<string, pulumi.Output<string>>;
}

/**
 * Every model version in config: those from folders (content-addressed, immutable) and from runs'
 * models registered by the stack; those by reference only named (checked by modelSourceChecks.ts,
 * never created, changed or deleted here).
 */
export function declareModels(
    scope: StackScope,
    workspace: MlWorkspace,
    referencedIds: Record<string, pulumi.Output<string>>,
    registry?: MlRegistry,
): DeclaredModels {
    const { config } = scope;
    const registeredHere: ModelVersionSpec[] = config.models.flatMap((m): ModelVersionSpec[] => {
        const source = modelSourceOf(m, scope.projectDir);
        if (source?.kind === "folder") return [{ name: m.name, version: m.version, files: { folder: source.dir }, description: m.description, tags: m.tags }];
        if (source?.kind === "run") {
            return [{ name: m.name, version: m.version, files: { runModelUri: jobOutputModelUri(source.artifact), runId: source.artifact.runId }, description: m.description, tags: m.tags }];
        }
        return [];
    });
    const models = new MlflowModelVersions("models", {
        ...inWorkspace(workspace),
        stackFile: scope.stackFile,
        cloud: scope.cloud,
        storageAccountName: workspace.storageAccountName,
        blobContainerName: workspace.defaultBlobContainerName,
        versions: registeredHere,
        protect: config.protectResources,
        tags: scope.tags,
    });
    // A registry version is named by its asset id, once the workspace may read the registry.
    const deployed = [...(config.onlineEndpoint?.deployments ?? []), ...(config.batchEndpoint?.deployments ?? [])].map((d) => d.model);
    const fromRegistry = [...new Set(deployed.filter((model) => parseRegistryModel(model)))].flatMap((uri) =>
        registry ? [[uri, registry.readable.apply(() => uri)] as const] : [],
    );
    const modelVersionIds = {
        ...Object.fromEntries(registeredHere.map((v) => [modelVersionKey(v.name, v.version), models.versions[modelVersionKey(v.name, v.version)].id])),
        ...referencedIds,
        ...Object.fromEntries(fromRegistry),
    };
    return { models, modelVersionIds };
}
