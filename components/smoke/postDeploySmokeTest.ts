import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../lib/arm/clouds";
import { LoadCheckOptions } from "../../lib/smoke/loadCheck";
import { ScoringRequest } from "../../lib/smoke/scoringRequest";
import { SmokeTestProvider } from "./smokeTestProvider";

const provider = new SmokeTestProvider();

export interface PostDeploySmokeTestArgs {
    readonly scoringUri: pulumi.Input<string>;
    readonly endpointId: pulumi.Input<string>;
    readonly cloud: AzureCloud;
    readonly authMode: "Key" | "AMLToken" | "AADToken";
    readonly deployments: readonly string[];
    /** Changes whenever a deployment, its model or the traffic changes (see OnlineEndpoint.servedFingerprint). */
    readonly servedFingerprint: pulumi.Input<string>;
    readonly request: ScoringRequest;
    readonly allowedPredictions: readonly (number | string | boolean)[];
    readonly latencyBudgetMs: number;
    readonly timeoutSeconds: number;
    readonly load?: LoadCheckOptions;
}

/**
 * Runs the smoke test during `pulumi up`, after traffic is applied (declare it depending on the
 * traffic resource), and again whenever what the endpoint serves changes.
 */
export class PostDeploySmokeTest extends pulumi.dynamic.Resource {
    /** Summary of the last passing run. (`declare`: a class field would overwrite the base class's output.) */
    declare public readonly lastRun: pulumi.Output<{ passed: boolean; checks: { name: string; status?: number; latencyMs: number }[] }>;

    constructor(name: string, args: PostDeploySmokeTestArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            {
                scoringUri: args.scoringUri,
                endpointId: args.endpointId,
                cloud: args.cloud,
                authMode: args.authMode,
                deployments: [...args.deployments].sort(),
                servedFingerprint: args.servedFingerprint,
                request: args.request.body,
                rows: args.request.rows,
                allowedPredictions: [...args.allowedPredictions],
                latencyBudgetMs: args.latencyBudgetMs,
                timeoutSeconds: args.timeoutSeconds,
                load: args.load,
                lastRun: undefined,
            },
            opts,
            "azureml",
            "PostDeploySmokeTest",
        );
    }
}
