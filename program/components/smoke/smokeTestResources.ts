import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { LoadCheckOptions } from "../../../runtime/scoring/loadCheck";
import { ScoringRequest } from "../../../runtime/scoring/scoringRequest";
import { SmokeTestProvider } from "../../../runtime/providers/smokeTestProvider";
import { TrafficWeights } from "../../../runtime/endpoints/trafficWire";

const provider = new SmokeTestProvider();

export interface SmokeTestArgs {
    readonly scoringUri: pulumi.Input<string>;
    readonly endpointId: pulumi.Input<string>;
    readonly cloud: AzureCloud;
    readonly authMode: "Key" | "AMLToken" | "AADToken";
    readonly deployments: readonly string[];
    /** Changes exactly when the test should run again (see OnlineEndpoint's fingerprints). */
    readonly fingerprint: pulumi.Input<string>;
    /** Each deployment's fingerprint: a failure takes the deployments that changed out of traffic. */
    readonly deploymentFingerprints: pulumi.Input<Record<string, string>>;
    readonly request: ScoringRequest;
    readonly allowedPredictions: readonly (number | string | boolean)[];
    readonly latencyBudgetMs: number;
    readonly timeoutSeconds: number;
    readonly load?: LoadCheckOptions;
}

type RunSummary = pulumi.Output<{ passed: boolean; checks: { name: string; status?: number; latencyMs: number }[] }>;

function providerInputs(
    args: SmokeTestArgs,
    phase: "pre-traffic" | "post-deploy",
    throughRouting: boolean,
    servedWeights?: pulumi.Input<TrafficWeights>,
): pulumi.Inputs {
    return {
        phase,
        scoringUri: args.scoringUri,
        endpointId: args.endpointId,
        cloud: args.cloud,
        authMode: args.authMode,
        deployments: [...args.deployments].sort(),
        throughRouting,
        fingerprint: args.fingerprint,
        deploymentFingerprints: args.deploymentFingerprints,
        requestText: args.request.text,
        rows: args.request.rows,
        allowedPredictions: [...args.allowedPredictions],
        latencyBudgetMs: args.latencyBudgetMs,
        timeoutSeconds: args.timeoutSeconds,
        load: throughRouting ? args.load : undefined,
        servedWeights,
        lastRun: undefined,
    };
}

/**
 * Proves every deployment before traffic moves: each is scored directly through the
 * `azureml-model-deployment` header (which bypasses traffic), so a broken new deployment fails
 * the update while it still has no live traffic. Declare it depending on the deployments, and the
 * traffic resource depending on it. Runs again when a deployment or its model changes.
 */
export interface PreTrafficProbeArgs extends SmokeTestArgs {
    /** The rollout's agreement gate: each deployment's answers compared with the baseline's. */
    readonly compareWith?: { readonly baseline: string; readonly min: number; readonly tolerance?: number; readonly minRequests: number };
}

export class PreTrafficProbe extends pulumi.dynamic.Resource {
    /** Summary of the last passing run. (`declare`: a class field would overwrite the base class's output.) */
    declare public readonly lastRun: RunSummary;

    constructor(name: string, args: PreTrafficProbeArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs = { ...providerInputs(args, "pre-traffic", false), ...(args.compareWith && { compareWith: args.compareWith }) };
        super(provider, name, inputs, opts, "azureml", "PreTrafficProbe");
    }
}

export interface PostDeploySmokeTestArgs extends SmokeTestArgs {
    /** Whether the declared traffic sends any live request to a deployment. */
    readonly anyLiveTraffic: boolean;
    /** The live and mirror weights as the traffic resource applied them. */
    readonly servedWeights: pulumi.Input<TrafficWeights>;
}

/**
 * The smoke test after traffic is applied: each deployment by header, once through traffic
 * routing (when some deployment has live traffic), and the optional load check. Declare it
 * depending on the traffic resource. Runs again when a deployment, its model or the traffic
 * changes; a failure after a traffic change puts back the weights of the last passing run.
 */
export class PostDeploySmokeTest extends pulumi.dynamic.Resource {
    /** Summary of the last passing run. (`declare`: a class field would overwrite the base class's output.) */
    declare public readonly lastRun: RunSummary;

    constructor(name: string, args: PostDeploySmokeTestArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, providerInputs(args, "post-deploy", args.anyLiveTraffic, args.servedWeights), opts, "azureml", "PostDeploySmokeTest");
    }
}
