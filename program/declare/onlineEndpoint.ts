import * as pulumi from "@pulumi/pulumi";
import { endpointName } from "../../config/naming/names";
import { OnlineEndpointConfig, RolloutConfig } from "../../config/schema";
import { RolloutSettings } from "../../runtime/rollout/rolloutSettings";
import { ScoringRequest } from "../../runtime/scoring/scoringRequest";
import { OnlineEndpoint } from "../components/online/onlineEndpoint";
import { PostDeploySmokeTest, PreTrafficProbe } from "../components/smoke/smokeTestResources";
import { MlWorkspace } from "../components/workspace/mlWorkspace";
import { declarePostDeploySmokeTest, declarePreTrafficProbe } from "./smokeTests";
import { StackScope } from "./stackScope";
import { inWorkspace } from "./workspace";

export interface DeclaredOnlineEndpoint {
    readonly onlineEndpoint: OnlineEndpoint<PreTrafficProbe>;
    /** The probe of every deployment that gates traffic; present with the smoke test. */
    readonly preTrafficProbe?: PreTrafficProbe;
    /** Present when the smoke test is enabled. */
    readonly smokeTest?: PostDeploySmokeTest;
}

/**
 * The online endpoint with its deployments, traffic and rollout, and, when the smoke test is
 * enabled, the probe that gates its traffic and the smoke test of what it then serves.
 */
export function declareOnlineEndpoint(
    scope: StackScope,
    online: OnlineEndpointConfig,
    dependencies: { workspace: MlWorkspace; suffix: pulumi.Output<string>; modelVersionIds: Record<string, pulumi.Output<string>> },
): DeclaredOnlineEndpoint {
    const smokeEnabled = scope.config.smokeTest.enabled;
    // Named after the endpoint: a renamed endpoint is a new one beside the old (see OnlineEndpoint).
    const onlineEndpoint = new OnlineEndpoint<PreTrafficProbe>(`online-${online.name}`, {
        ...inWorkspace(dependencies.workspace),
        location: scope.config.location,
        endpointName: dependencies.suffix.apply((s) => endpointName(online.name, s)),
        authMode: online.authMode,
        publicNetworkAccess: online.publicNetworkAccess,
        deployments: online.deployments.map((d) => ({ ...d, modelId: dependencies.modelVersionIds[d.model] })),
        traffic: online.traffic,
        mirrorTraffic: online.mirrorTraffic,
        cloud: scope.cloud,
        trafficTimeoutSeconds: online.trafficTimeoutSeconds,
        rollout: online.rollout && rolloutSettings(online.rollout, scope.smokeRequest, scope.config.smokeTest.allowedPredictions),
        tags: scope.tags,
        // Every deployment must answer correctly before any traffic moves.
        gateTraffic: smokeEnabled ? (endpoint) => declarePreTrafficProbe(scope, online, endpoint) : undefined,
    });
    return {
        onlineEndpoint,
        preTrafficProbe: onlineEndpoint.trafficGate,
        smokeTest: smokeEnabled ? declarePostDeploySmokeTest(scope, online, onlineEndpoint) : undefined,
    };
}

/**
 * The rollout as the traffic resource takes it; its synthetic load sends the smoke test's request,
 * and its prediction gates judge the answers against the smoke test's allowed predictions.
 */
export function rolloutSettings(rollout: RolloutConfig, request: ScoringRequest | undefined, allowedPredictions: readonly (number | string | boolean)[]): RolloutSettings {
    const { loadRequestsPerSecond, predictions, ...policy } = rollout;
    return {
        ...policy,
        ...(loadRequestsPerSecond !== undefined && { load: { requestText: request!.text, requestsPerSecond: loadRequestsPerSecond } }),
        ...(predictions && { predictions: { ...predictions, allowedPredictions: [...allowedPredictions] } }),
    };
}
