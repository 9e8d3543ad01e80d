import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as path from "path";
import { RolloutConfig, StackConfig } from "../config/schema";
import type { RolloutSettings } from "../runtime/rollout/rolloutSettings";
import { ComputeCluster } from "./components/compute/computeCluster";
import { MlflowModel } from "./components/model/mlflowModel";
import { modelVersionKey } from "../config/modelVersionKey";
import { endpointName, platformNames, suffixLength } from "../config/naming/names";
import { BatchEndpoint } from "./components/batch/batchEndpoint";
import { UriFolderDataAsset } from "./components/data/uriFolderDataAsset";
import { OnlineEndpoint } from "./components/online/onlineEndpoint";
import { hasLiveTraffic } from "../config/azureRules/trafficRules";
import { PostDeploySmokeTest, PreTrafficProbe, SmokeTestArgs } from "./components/smoke/smokeTestResources";
import { readScoringRequest } from "../runtime/scoring/scoringRequest";
import { ProviderSettings } from "../config/load";
import { MlWorkspace } from "./components/workspace/mlWorkspace";
import { platformTags } from "../config/azureRules/tagRules";

export interface Platform {
    readonly workspace: MlWorkspace;
    readonly computeCluster: ComputeCluster;
    readonly models: MlflowModel;
    /** Present when the stack declares an online endpoint. */
    readonly onlineEndpoint?: OnlineEndpoint;
    /** Present when the stack declares a batch endpoint. */
    readonly batchEndpoint?: BatchEndpoint;
    /** The batch endpoint's sample input, when declared. */
    readonly batchInput?: UriFolderDataAsset;
    /** Present when the stack has an online endpoint and its smoke test is enabled. */
    readonly smokeTest?: PostDeploySmokeTest;
    /** The probe of every deployment that gates traffic, with the smoke test. */
    readonly preTrafficProbe?: PreTrafficProbe;
    /** ARM ids of the registered model versions, by `name:version`. */
    readonly modelVersionIds: Record<string, pulumi.Output<string>>;
}

/** The rollout as the traffic resource takes it; synthetic load sends the smoke test's request. */
function rolloutSettings(rollout: RolloutConfig, requestFile: string): RolloutSettings {
    const { loadRequestsPerSecond, ...policy } = rollout;
    return {
        ...policy,
        ...(loadRequestsPerSecond !== undefined && {
            load: { requestText: readScoringRequest(requestFile).text, requestsPerSecond: loadRequestsPerSecond },
        }),
    };
}

/** Declares the whole platform from a checked configuration. */
export function buildPlatform(
    config: StackConfig,
    provider: ProviderSettings,
    projectDir: string = process.cwd(),
): Platform {
    const tags = platformTags(config.tags, pulumi.getStack());

    // Kept in the stack's state: the same suffix on every run, a new one only for a new stack.
    const suffix = new random.RandomString(
        "name-suffix",
        { length: suffixLength, lower: true, upper: false, numeric: true, special: false },
        { protect: config.protectResources },
    ).result;

    const workspace = new MlWorkspace("ml", {
        location: config.location,
        names: suffix.apply((s) => platformNames(config.prefix, s)),
        existingResourceGroupName: config.resourceGroupName,
        publicNetworkAccess: config.workspace.publicNetworkAccess,
        keyVaultPurgeProtection: config.workspace.keyVaultPurgeProtection,
        logRetentionDays: config.workspace.logRetentionDays,
        containerRegistrySku: config.workspace.containerRegistrySku,
        storageSku: config.workspace.storageSku,
        protect: config.protectResources,
        tags,
    });
    const inWorkspace = {
        workspaceName: workspace.workspaceName,
        resourceGroupName: workspace.resourceGroupName,
    };

    const computeCluster = new ComputeCluster("batch", {
        ...inWorkspace,
        location: config.location,
        clusterName: config.computeCluster.name,
        vmSize: config.computeCluster.vmSize,
        vmPriority: config.computeCluster.vmPriority,
        minNodes: config.computeCluster.minNodes,
        maxNodes: config.computeCluster.maxNodes,
        idleSecondsBeforeScaleDown: config.computeCluster.idleSecondsBeforeScaleDown,
        tags,
    });

    const models = new MlflowModel("models", {
        ...inWorkspace,
        workspaceId: workspace.workspaceId,
        stackFile: `Pulumi.${pulumi.getStack()}.yaml`,
        cloud: provider.azureEnvironment,
        storageAccountName: workspace.storageAccountName,
        blobContainerName: workspace.defaultBlobContainerName,
        versions: config.models.map((m) => ({
            name: m.name,
            version: m.version,
            dir: path.resolve(projectDir, m.path),
            description: m.description,
            tags: m.tags,
        })),
        protect: config.protectResources,
        tags,
    });

    const modelVersionIds = Object.fromEntries(
        config.models.map((m) => {
            const key = modelVersionKey(m.name, m.version);
            return [key, models.versions[key].id];
        }),
    );
    const online = config.onlineEndpoint;
    const smoke = config.smokeTest;
    const smokeEnabled = online !== undefined && smoke.enabled;
    // Read once: both smoke resources send the same request.
    const smokeRequest = smokeEnabled ? readScoringRequest(path.resolve(projectDir, smoke.requestFile)) : undefined;
    const smokeArgs = (
        authMode: "Key" | "AMLToken" | "AADToken",
        endpoint: { endpointId: pulumi.Input<string>; scoringUri: pulumi.Input<string> },
        deploymentNames: string[],
        fingerprint: pulumi.Input<string>,
    ): SmokeTestArgs => ({
        scoringUri: endpoint.scoringUri,
        endpointId: endpoint.endpointId,
        cloud: provider.azureEnvironment,
        authMode,
        deployments: deploymentNames,
        fingerprint,
        request: smokeRequest!,
        allowedPredictions: smoke.allowedPredictions,
        latencyBudgetMs: smoke.latencyBudgetMs,
        timeoutSeconds: smoke.timeoutSeconds,
        load: smoke.load,
    });
    let preTrafficProbe: PreTrafficProbe | undefined;
    const onlineEndpoint =
        online &&
        // Named after the endpoint: a renamed endpoint is a new one beside the old (see OnlineEndpoint).
        new OnlineEndpoint(`online-${online.name}`, {
            ...inWorkspace,
            workspaceId: workspace.workspaceId,
            location: config.location,
            endpointName: suffix.apply((s) => endpointName(online.name, s)),
            authMode: online.authMode,
            publicNetworkAccess: online.publicNetworkAccess,
            deployments: online.deployments.map((d) => ({ ...d, modelId: modelVersionIds[d.model] })),
            traffic: online.traffic,
            mirrorTraffic: online.mirrorTraffic,
            cloud: provider.azureEnvironment,
            trafficTimeoutSeconds: online.trafficTimeoutSeconds,
            rollout: online.rollout && rolloutSettings(online.rollout, path.resolve(projectDir, smoke.requestFile)),
            tags,
            // Every deployment must answer correctly before any traffic moves.
            gateTraffic: smokeEnabled
                ? (endpoint) =>
                      (preTrafficProbe = new PreTrafficProbe(
                          "online-pre-traffic-probe",
                          smokeArgs(online.authMode, endpoint, endpoint.deploymentNames, endpoint.deploymentsFingerprint),
                          { dependsOn: endpoint.deployments },
                      ))
                : undefined,
        });

    const smokeTest =
        onlineEndpoint && online && smokeEnabled
            ? new PostDeploySmokeTest(
                  "online-smoke-test",
                  {
                      ...smokeArgs(online.authMode, onlineEndpoint, onlineEndpoint.deploymentNames, onlineEndpoint.servedFingerprint),
                      anyLiveTraffic: hasLiveTraffic(online.traffic),
                      servedWeights: onlineEndpoint.appliedTraffic,
                  },
                  // After traffic: the routing check needs it.
                  { dependsOn: [onlineEndpoint.trafficResource] },
              )
            : undefined;

    const batch = config.batchEndpoint;
    const batchEndpoint =
        batch &&
        new BatchEndpoint(`batch-${batch.name}`, {
            ...inWorkspace,
            workspaceId: workspace.workspaceId,
            location: config.location,
            endpointName: suffix.apply((s) => endpointName(batch.name, s)),
            deployments: batch.deployments.map((d) => ({
                ...d,
                modelId: modelVersionIds[d.model],
                // Validated: every deployment names the stack's one cluster.
                computeId: computeCluster.computeId,
            })),
            defaultDeployment: batch.defaultDeployment,
            cloud: provider.azureEnvironment,
            defaultTimeoutSeconds: batch.defaultTimeoutSeconds,
            tags,
        });
    const batchInput =
        batch?.inputData &&
        new UriFolderDataAsset("batch-input", {
            ...inWorkspace,
            workspaceId: workspace.workspaceId,
            stackFile: `Pulumi.${pulumi.getStack()}.yaml`,
            cloud: provider.azureEnvironment,
            storageAccountName: workspace.storageAccountName,
            blobContainerName: workspace.defaultBlobContainerName,
            assetName: batch.inputData.name,
            version: batch.inputData.version,
            dir: path.resolve(projectDir, batch.inputData.path),
            description: batch.inputData.description,
            protect: config.protectResources,
            tags,
        });

    return { workspace, computeCluster, models, modelVersionIds, onlineEndpoint, preTrafficProbe, smokeTest, batchEndpoint, batchInput };
}
