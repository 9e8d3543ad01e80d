import * as pulumi from "@pulumi/pulumi";
import { OnlineEndpointConfig } from "../../config/schema";
import { hasLiveTraffic } from "../../config/azureRules/trafficRules";
import { OnlineEndpoint, TrafficGateContext } from "../components/online/onlineEndpoint";
import { PostDeploySmokeTest, PreTrafficProbe, SmokeTestArgs } from "../components/smoke/smokeTestResources";
import { StackScope } from "./stackScope";

/** What both checks of an online endpoint send and expect: the smoke test's settings. */
function checkArgs(
    scope: StackScope,
    online: OnlineEndpointConfig,
    endpoint: {
        endpointId: pulumi.Input<string>;
        scoringUri: pulumi.Input<string>;
        deploymentNames: string[];
        deploymentFingerprints: pulumi.Input<Record<string, string>>;
    },
    fingerprint: pulumi.Input<string>,
): SmokeTestArgs {
    const smoke = scope.config.smokeTest;
    return {
        scoringUri: endpoint.scoringUri,
        endpointId: endpoint.endpointId,
        cloud: scope.cloud,
        authMode: online.authMode,
        deployments: endpoint.deploymentNames,
        fingerprint,
        deploymentFingerprints: endpoint.deploymentFingerprints,
        request: scope.smokeRequest!,
        allowedPredictions: smoke.allowedPredictions,
        latencyBudgetMs: smoke.latencyBudgetMs,
        timeoutSeconds: smoke.timeoutSeconds,
        load: smoke.load,
    };
}

/**
 * The probe of every deployment, pinned by name, that must pass before any traffic moves; with the
 * rollout's agreement gate, each deployment's answers are compared with the baseline's (the one
 * with the most declared traffic) on the probe's request.
 */
export function declarePreTrafficProbe(scope: StackScope, online: OnlineEndpointConfig, endpoint: TrafficGateContext): PreTrafficProbe {
    const agreement = online.rollout?.enabled ? online.rollout.predictions?.agreement : undefined;
    const baseline = Object.entries(online.traffic)
        .filter(([, weight]) => weight > 0)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
    return new PreTrafficProbe(
        "online-pre-traffic-probe",
        {
            ...checkArgs(scope, online, endpoint, endpoint.deploymentsFingerprint),
            ...(agreement && baseline && { compareWith: { baseline, ...agreement } }),
        },
        { dependsOn: endpoint.deployments },
    );
}

/** The smoke test of what the endpoint serves once traffic is applied; it fails the update when the model answers wrong. */
export function declarePostDeploySmokeTest(scope: StackScope, online: OnlineEndpointConfig, endpoint: OnlineEndpoint): PostDeploySmokeTest {
    return new PostDeploySmokeTest(
        "online-smoke-test",
        {
            ...checkArgs(scope, online, endpoint, endpoint.servedFingerprint),
            anyLiveTraffic: hasLiveTraffic(online.traffic),
            servedWeights: endpoint.appliedTraffic,
        },
        // After traffic: the routing check needs it.
        { dependsOn: [endpoint.trafficResource] },
    );
}
