import * as pulumi from "@pulumi/pulumi";
import { LoadedConfig } from "../config/load";
import { BatchEndpoint } from "./components/batch/batchEndpoint";
import { ComputeCluster } from "./components/compute/computeCluster";
import { UriFolderDataAsset } from "./components/data/uriFolderDataAsset";
import { MlflowModelVersions } from "./components/model/mlflowModelVersions";
import { OnlineEndpoint } from "./components/online/onlineEndpoint";
import { PostDeploySmokeTest, PreTrafficProbe } from "./components/smoke/smokeTestResources";
import { MlWorkspace } from "./components/workspace/mlWorkspace";
import { declareBatchEndpoint } from "./declare/batchEndpoint";
import { declareComputeCluster } from "./declare/computeCluster";
import { declareModels } from "./declare/models";
import { checkModelSources } from "./declare/modelSourceChecks";
import { declareNameSuffix } from "./declare/nameSuffix";
import { declareOnlineEndpoint } from "./declare/onlineEndpoint";
import { stackScope } from "./declare/stackScope";
import { declareWorkspace } from "./declare/workspace";
import { declareRegistry } from "./declare/registry";
import { declareVerifiedModels } from "./declare/verifiedModels";
import { VerifiedModel, checkPromotion } from "./declare/promotionChecks";
import { MlRegistry } from "./components/registry/mlRegistry";
import { runPreflight } from "./preflight/preflight";

export interface AzureMlPlatform {
    readonly kind: "azureml";
    readonly workspace: MlWorkspace;
    readonly computeCluster: ComputeCluster;
    readonly models: MlflowModelVersions;
    /** ARM ids of the registered model versions, by `name:version`. */
    readonly modelVersionIds: Record<string, pulumi.Output<string>>;
    /** Present when the stack declares an online endpoint. */
    readonly onlineEndpoint?: OnlineEndpoint;
    /** The probe of every deployment that gates traffic, with the smoke test. */
    readonly preTrafficProbe?: PreTrafficProbe;
    /** Present when the stack has an online endpoint and its smoke test is enabled. */
    readonly smokeTest?: PostDeploySmokeTest;
    /** Present when the stack declares a batch endpoint. */
    readonly batchEndpoint?: BatchEndpoint;
    /** The stack's Azure ML registry, when it declares one. */
    readonly registry?: MlRegistry;
    /** The versions its smoke test passed for, when it has one (what may be promoted from this stack). */
    readonly verifiedModels?: pulumi.Output<Record<string, VerifiedModel>>;
    /** The batch endpoint's sample input, when declared. */
    readonly batchInput?: UriFolderDataAsset;
}

/**
 * Azure Machine Learning as the serving target: one declare-function per capability (./declare/),
 * in the order they depend on each other.
 */
export async function declareAzureMlPlatform(loaded: LoadedConfig, projectDir: string): Promise<AzureMlPlatform> {
    const scope = stackScope(loaded, projectDir);
    const { config } = scope;
    const suffix = declareNameSuffix(scope);
    // Models not in this repository are checked before any Azure resource is declared.
    const referencedIds = await checkModelSources(scope, suffix);
    // Registry versions must be what the source stack verified, before anything is declared.
    await checkPromotion(scope, suffix);
    // Quota, no-code compatibility, the traffic stages and the cost, before anything changes.
    await runPreflight(scope, suffix);
    const workspace = declareWorkspace(scope, suffix);
    const registry = declareRegistry(scope, workspace);
    const computeCluster = declareComputeCluster(scope, workspace);
    const { models, modelVersionIds } = declareModels(scope, workspace, referencedIds, registry);
    const online = config.onlineEndpoint && declareOnlineEndpoint(scope, config.onlineEndpoint, { workspace, suffix, modelVersionIds });
    const batch =
        config.batchEndpoint && declareBatchEndpoint(scope, config.batchEndpoint, { workspace, computeCluster, suffix, modelVersionIds });
    const verifiedModels = declareVerifiedModels(scope, models, online?.smokeTest);
    return { kind: "azureml", workspace, computeCluster, models, modelVersionIds, registry, verifiedModels, ...online, ...batch };
}
