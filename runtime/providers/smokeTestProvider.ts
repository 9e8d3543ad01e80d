import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { armClientFor } from "../arm/armClient";
import { AzureCloud } from "../arm/clouds";
import { azureCredential } from "../azure/credential";
import { endpointScoringCredential } from "../scoring/endpointCredential";
import { Clock } from "../http/clock";
import { LoadCheckOptions } from "../scoring/loadCheck";
import { ScoringCredential } from "../scoring/scoringCredential";
import { formatSmokeReport } from "../smoke/smokeReport";
import { AgreementGate, SmokeReport, runSmokeTest } from "../smoke/smokeTest";
import { stableJson } from "../stableHash";
import { TrafficWeights } from "../endpoints/trafficWire";
import { takeTrafficBack } from "../endpoints/trafficRestore";
import { DeploymentFingerprints, changedDeployments } from "../endpoints/trafficAway";

export interface SmokeTestInputs {
    readonly scoringUri: string;
    /** ARM id of the endpoint, to fetch a key or token at run time. */
    readonly endpointId: string;
    readonly cloud: AzureCloud;
    readonly authMode: "Key" | "AMLToken" | "AADToken";
    /** Deployments probed directly, whatever their traffic. */
    readonly deployments: string[];
    /**
     * Before any traffic moves (the pre-traffic probe: a failure changed nothing), or after the
     * traffic resource applied it (the post-deploy smoke test: a failure may put weights back).
     */
    readonly phase: "pre-traffic" | "post-deploy";
    /**
     * Also score through the endpoint's traffic routing and run the load check: after traffic is
     * applied, and only when some deployment has live traffic (with none, Azure answers 404).
     */
    readonly throughRouting: boolean;
    /**
     * What the test depends on (deployments and models, plus the applied traffic after traffic):
     * any change to it is a change to this resource, which runs the test again.
     */
    readonly fingerprint: string;
    /**
     * Each deployment's fingerprint of what decides its answers. A failed run takes the deployments
     * whose fingerprint differs from the last passing run's out of live and mirror traffic.
     */
    readonly deploymentFingerprints?: DeploymentFingerprints;
    /** The request file's text, sent byte for byte. */
    readonly requestText: string;
    readonly rows: number;
    readonly allowedPredictions: (number | string | boolean)[];
    readonly latencyBudgetMs: number;
    readonly timeoutSeconds: number;
    readonly load?: LoadCheckOptions;
    /**
     * Pre-traffic probe only, with the rollout's agreement gate: each deployment's answers compared
     * with the baseline's (the deployment with the most declared traffic) on the probe's request.
     */
    readonly compareWith?: AgreementGate & { readonly baseline: string };
    /**
     * Post-deploy test only: the live and mirror weights it runs under, as the traffic resource
     * applied them. When a run fails after an update that changed them, the weights of the last
     * passing run are put back.
     */
    readonly servedWeights?: TrafficWeights;
}

/** What the state keeps of a run: a summary, never a credential or a prediction payload. */
export interface SmokeTestOutputs extends SmokeTestInputs {
    readonly lastRun: {
        readonly passed: boolean;
        readonly checks: { name: string; status?: number; latencyMs: number }[];
        readonly load?: { p50Ms: number; p95Ms: number; errorRate: number };
    };
}

export interface SmokeProviderHooks {
    /** Credential for Resource Manager (listKeys, token); default DefaultAzureCredential. */
    readonly armCredential?: TokenCredential;
    /** Credential for Entra-authenticated scoring; default DefaultAzureCredential. */
    readonly entraCredential?: TokenCredential;
    readonly clock?: Clock;
    readonly retryBaseMs?: number;
    readonly pollIntervalMs?: number;
}

/**
 * Dynamic provider behind the post-deploy smoke test: it runs the smoke test when created and
 * whenever its inputs change (a deployment, its model or the traffic), and fails the update with
 * the readable report when the model does not answer correctly. A post-deploy run that fails after
 * the update moved traffic first puts back the weights of its last passing run. The scoring credential is
 * obtained when it runs: the endpoint key (listKeys) or an AML token (token action) through
 * Resource Manager, or an Entra token; none is ever an input or part of the state.
 */
export class SmokeTestProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly hooks: SmokeProviderHooks = {}) {}

    async create(inputs: SmokeTestInputs): Promise<pulumi.dynamic.CreateResult> {
        return { id: `${inputs.endpointId}/smokeTest`, outs: await this.run(inputs, undefined) };
    }

    async update(_id: string, olds: SmokeTestOutputs, news: SmokeTestInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: await this.run(news, olds) };
    }

    async diff(_id: string, olds: SmokeTestOutputs, news: SmokeTestInputs): Promise<pulumi.dynamic.DiffResult> {
        const { lastRun: _lastRun, ...oldInputs } = olds;
        return { changes: stableJson(oldInputs) !== stableJson(news), replaces: [], deleteBeforeReplace: false };
    }

    /** Nothing lives in Azure: deleting the test is forgetting it. */
    async delete(): Promise<void> {}

    /** Runs the test; a failure fails the update, after restoring traffic if this update moved it. */
    private async run(inputs: SmokeTestInputs, lastPassing: SmokeTestOutputs | undefined): Promise<SmokeTestOutputs> {
        const report = await runSmokeTest({
            scoringUri: inputs.scoringUri,
            // Checked when the program read the file; parsing it again here would pull the schema
            // library into the serialized provider.
            request: { text: inputs.requestText, rows: inputs.rows },
            credential: await this.scoringCredential(inputs),
            deployments: inputs.deployments,
            throughRouting: inputs.throughRouting,
            allowedPredictions: inputs.allowedPredictions,
            latencyBudgetMs: inputs.latencyBudgetMs,
            timeoutMs: inputs.timeoutSeconds * 1000,
            load: inputs.throughRouting ? inputs.load : undefined,
            compareWith: inputs.phase === "pre-traffic" ? inputs.compareWith : undefined,
            retryBaseMs: this.hooks.retryBaseMs,
            clock: this.hooks.clock,
        });
        if (report.passed) return { ...inputs, lastRun: summary(report) };
        const check = inputs.phase === "pre-traffic" ? "pre-traffic probe" : "post-deploy smoke test";
        const traffic = await this.takeTrafficBack(inputs, lastPassing);
        throw new Error(`${check} failed; ${traffic}\n${formatSmokeReport(report)}`);
    }

    /**
     * After a failed run, no traffic may go on reaching a deployment that changed since the last
     * passing run (runtime/endpoints/trafficRestore.ts). The probe runs before traffic moves, so
     * it starts from the live weights; the smoke test from those of its last passing run when this
     * update moved them.
     */
    private async takeTrafficBack(inputs: SmokeTestInputs, lastPassing: SmokeTestOutputs | undefined): Promise<string> {
        const changed = changedDeployments(lastPassing?.deploymentFingerprints, inputs.deploymentFingerprints ?? {});
        try {
            const arm = armClientFor(inputs.cloud, {
                credential: this.hooks.armCredential ?? azureCredential(),
                timeoutMs: inputs.timeoutSeconds * 1000,
                pollIntervalMs: this.hooks.pollIntervalMs,
                retryBaseMs: this.hooks.retryBaseMs,
                clock: this.hooks.clock,
            });
            const failed =
                inputs.phase === "post-deploy" ? { lastPassing: lastPassing?.servedWeights, failedUnder: inputs.servedWeights, changed } : { changed };
            return await takeTrafficBack(arm, inputs.endpointId, failed, this.hooks.clock);
        } catch (err) {
            return `taking traffic off the changed deployments FAILED: ${err instanceof Error ? err.message : String(err)}`;
        }
    }

    private scoringCredential(inputs: SmokeTestInputs): Promise<ScoringCredential> {
        const entraOnly = inputs.authMode === "AADToken";
        return endpointScoringCredential({
            authMode: inputs.authMode,
            endpointId: inputs.endpointId,
            cloud: inputs.cloud,
            azure: (entraOnly ? this.hooks.entraCredential : this.hooks.armCredential) ?? azureCredential(),
            clock: this.hooks.clock,
        });
    }
}

function summary(report: SmokeReport): SmokeTestOutputs["lastRun"] {
    return {
        passed: report.passed,
        checks: report.checks.map((c) => ({ name: c.name, status: c.status, latencyMs: c.latencyMs })),
        ...(report.load && { load: { p50Ms: report.load.p50Ms, p95Ms: report.load.p95Ms, errorRate: report.load.errorRate } }),
    };
}
