import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { ArmClient, armClientFor } from "../arm/armClient";
import { azureCredential } from "../azure/credential";
import { armError, isArmError } from "../arm/armError";
import { AzureCloud } from "../arm/clouds";
import { Clock } from "../http/clock";
import { stableJson } from "../stableHash";
import { sameTrafficWeights, sameWeights, weightProperties, weightsOf } from "../endpoints/trafficWire";
import { endpointPutBody } from "../endpoints/endpointPutBody";
import { deploymentWindow, metricsApiVersion } from "../monitor/endpointMetrics";
import { endpointScoringCredential } from "../scoring/endpointCredential";
import { ScoringCredential } from "../scoring/scoringCredential";
import { RolloutSteps, planRollout } from "../rollout/rolloutPlan";
import { RolloutPolicy, formatRolloutReport, runRollout } from "../rollout/rolloutRunner";
import { startSyntheticLoad } from "../rollout/syntheticLoad";

/**
 * Which endpoint settings a resource owns. Both kinds can only name deployments that exist and
 * change only through a full PUT of the endpoint, so they share this one provider. Everything else
 * about the endpoint (tags, auth mode, network access) belongs to the endpoint's own resource
 * (program/components/endpoint/); both PUT by GET-merge-PUT, so each carries what the other set.
 */
export type SettingsKind = "onlineTraffic" | "batchDefault";

export interface EndpointSettingsInputs {
    /** ARM id of the endpoint. */
    readonly endpointId: string;
    readonly cloud: AzureCloud;
    readonly kind: SettingsKind;
    /** Keys of the endpoint's `properties` to set, e.g. `{ traffic, mirrorTraffic, authMode }`. */
    readonly settings: Record<string, unknown>;
    /** Deployments the settings name; each must exist (and have finished provisioning) first. */
    readonly requiredDeployments: string[];
    /** The endpoint's auth mode: how a rollout's synthetic load authenticates. */
    readonly authMode?: "Key" | "AMLToken" | "AADToken";
    /** Everything one apply does (retries, waits, the long-running PUT) ends within this. */
    readonly timeoutSeconds: number;
    /** Online traffic only: roll a raised weight out in steps (see runtime/rollout/). */
    readonly rollout?: RolloutSettings;
}

export interface RolloutSettings extends RolloutPolicy, RolloutSteps {
    readonly enabled: boolean;
    /** Synthetic load while windows are watched: the smoke request's text and rate; absent: none. */
    readonly load?: { readonly requestText: string; readonly requestsPerSecond: number };
}

export interface EndpointSettingsOutputs extends EndpointSettingsInputs {
    /** The settings as Azure reports them after the last apply or refresh. */
    readonly applied: Record<string, unknown>;
    /** The last rollout's report, a line per window; absent: the last change needed none. */
    readonly lastRollout?: string[];
}

/** What a delete leaves behind: no deployment named, so any deployment may then be deleted. */
const resetSettings: Record<SettingsKind, Record<string, unknown>> = {
    onlineTraffic: { traffic: {}, mirrorTraffic: {} },
    batchDefault: { defaults: { deploymentName: null } },
};

export interface ProviderTestHooks {
    readonly credential?: TokenCredential;
    readonly clock?: Clock;
    readonly requestTimeoutMs?: number;
    readonly pollIntervalMs?: number;
    readonly retryBaseMs?: number;
    /** Where a rollout's progress goes; default the plugin's stderr, which the engine displays. */
    readonly progress?: (line: string) => void;
}

/**
 * Dynamic provider that sets endpoint properties which may only name existing deployments
 * (online traffic and mirror traffic, a batch endpoint's default deployment): GET the endpoint,
 * PUT it back with the new values, follow the operation to its end, read the result back.
 *
 * Credentials are obtained when a method runs (DefaultAzureCredential: Azure CLI login, OIDC,
 * managed identity...), never taken as inputs, so nothing secret reaches the state.
 */
export class EndpointSettingsProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly hooks: ProviderTestHooks = {}) {}

    async create(inputs: EndpointSettingsInputs): Promise<pulumi.dynamic.CreateResult> {
        const rolled = await this.rollOut(inputs, undefined);
        // A rollout has already waited for every deployment it names.
        const result = await this.apply(inputs, inputs.settings, rolled ? [] : inputs.requiredDeployments);
        return { id: `${inputs.endpointId}/settings/${inputs.kind}`, outs: { ...inputs, ...result, ...rolled } };
    }

    async update(_id: string, olds: EndpointSettingsOutputs, news: EndpointSettingsInputs): Promise<pulumi.dynamic.UpdateResult> {
        const rolled = await this.rollOut(news, olds);
        const result = await this.apply(news, news.settings, rolled ? [] : news.requiredDeployments);
        return { outs: { ...news, ...result, ...rolled } };
    }

    /**
     * When the change raises a deployment's live weight and a rollout is configured: the steps
     * before the declared weights, each watched and judged on the endpoint's metrics. A failed
     * gate puts back the weights applied before this update (or, for a new endpoint, the old
     * deployment alone) and fails the update with the report. The rollout starts from the live
     * weights, so one interrupted half-way continues from where it stopped on the next run.
     * Undefined when no rollout is configured (the deployments were then not waited for).
     */
    private async rollOut(
        news: EndpointSettingsInputs,
        olds: EndpointSettingsOutputs | undefined,
    ): Promise<Pick<EndpointSettingsOutputs, "lastRollout"> | undefined> {
        const rollout = news.rollout;
        if (news.kind !== "onlineTraffic" || !rollout?.enabled) return undefined;
        const arm = this.client(news);
        for (const deployment of news.requiredDeployments) await this.waitForDeployment(arm, news.endpointId, deployment);
        const endpoint = await arm.get(news.endpointId);
        const live = weightsOf(endpoint.properties ?? {});
        const plan = planRollout(live, weightsOf(news.settings), rollout);
        if (!plan) return {};
        const before = olds ? weightsOf(olds.applied ?? {}) : live;
        const restoreTo = Object.keys(before.traffic).length > 0 ? before : plan.start;
        const credential = rollout.load ? await this.scoringCredential(news) : undefined;
        const scoringUri = String(endpoint.properties?.scoringUri ?? "");
        const report = await runRollout(plan, rollout, {
            // A client per call: each has its own deadline, however long the rollout runs.
            apply: async (weights) => {
                const stepArm = this.client(news);
                const current = await stepArm.get(news.endpointId);
                await stepArm.putAndWait(news.endpointId, endpointPutBody(current, { ...news.settings, ...weights }));
            },
            measure: (deployment, from, to) => deploymentWindow(this.client(news, metricsApiVersion), news.endpointId, deployment, from, to),
            startLoad:
                rollout.load && credential
                    ? (canary, baseline) =>
                          startSyntheticLoad({
                              scoringUri,
                              credential,
                              requestText: rollout.load!.requestText,
                              deployments: [canary, baseline],
                              requestsPerSecond: rollout.load!.requestsPerSecond,
                              clock: this.hooks.clock,
                          })
                    : undefined,
            // A dynamic provider's output lines reach the engine's display as it runs.
            progress: this.hooks.progress ?? ((line) => process.stderr.write(`${line}\n`)),
            clock: this.hooks.clock,
        }, restoreTo);
        const text = formatRolloutReport(report);
        if (report.outcome === "rolled back") throw new Error(`progressive rollout failed; traffic restored\n${text}`);
        return { lastRollout: text.split("\n") };
    }

    private scoringCredential(target: EndpointSettingsInputs): Promise<ScoringCredential> {
        return endpointScoringCredential({
            authMode: target.authMode ?? "Key",
            endpointId: target.endpointId,
            cloud: target.cloud,
            azure: this.hooks.credential ?? azureCredential(),
            clock: this.hooks.clock,
        });
    }

    /** Takes every deployment out of the settings, so deleting deployments afterwards succeeds. */
    async delete(_id: string, olds: EndpointSettingsOutputs): Promise<void> {
        try {
            await this.apply(olds, resetSettings[olds.kind], []);
        } catch (err) {
            // An endpoint already gone has no settings left to clear.
            if (isArmError(err) && err.status === 404) return;
            throw err;
        }
    }

    /** Reads the live settings, so a refresh shows changes made by hand (e.g. in the portal). */
    async read(id: string, props: EndpointSettingsOutputs): Promise<pulumi.dynamic.ReadResult> {
        try {
            const endpoint = await this.client(props).get(props.endpointId);
            return { id, props: { ...props, ...appliedState(endpoint, props.settings) } };
        } catch (err) {
            if (isArmError(err) && err.status === 404) return {};
            throw err;
        }
    }

    async diff(_id: string, olds: EndpointSettingsOutputs, news: EndpointSettingsInputs): Promise<pulumi.dynamic.DiffResult> {
        // Another endpoint (a renamed or replaced one) means a new resource: the old one is then
        // deleted, which clears the old endpoint's settings so that its deployments can be deleted.
        const replaces = (["endpointId", "kind", "cloud"] as const).filter((key) => olds[key] !== news[key]);
        const changed =
            replaces.length > 0 ||
            olds.timeoutSeconds !== news.timeoutSeconds ||
            olds.authMode !== news.authMode ||
            !sameSettings(news.settings, olds.settings) ||
            // Drift: what Azure reported at the last apply or refresh differs from what is wanted.
            !sameSettings(news.settings, olds.applied ?? {});
        return { changes: changed || (await this.liveWeightsDiffer(news)), replaces, deleteBeforeReplace: false };
    }

    /**
     * Whether the endpoint's live traffic differs from the declared weights. This program moves
     * traffic outside this resource's state (a rollout's steps, a post-deploy smoke test that
     * restores the previous weights, a rollout the engine was killed in), and each must show as a
     * change on the next preview or `up`, without waiting for a refresh. An endpoint that is gone
     * is left for a refresh to find, as the endpoint's own resource does.
     */
    private async liveWeightsDiffer(news: EndpointSettingsInputs): Promise<boolean> {
        if (news.kind !== "onlineTraffic") return false;
        let endpoint: Record<string, any>;
        try {
            endpoint = await this.client(news).get(news.endpointId);
        } catch (err) {
            if (isArmError(err) && err.status === 404) return false;
            throw new Error(`reading the live traffic of endpoint ${news.endpointId.split("/").pop()} to compare it with the declared weights: ${String(err)}`);
        }
        return !sameTrafficWeights(weightsOf(endpoint.properties ?? {}), weightsOf(news.settings));
    }

    private async apply(
        target: EndpointSettingsInputs,
        settings: Record<string, unknown>,
        requiredDeployments: readonly string[],
    ): Promise<Pick<EndpointSettingsOutputs, "applied">> {
        const arm = this.client(target);
        for (const deployment of requiredDeployments) await this.waitForDeployment(arm, target.endpointId, deployment);
        const endpoint = await arm.get(target.endpointId);
        const updated = await arm.putAndWait(target.endpointId, endpointPutBody(endpoint, settings));
        return appliedState(updated, settings);
    }

    /**
     * Azure rejects settings naming a deployment that does not exist or is still provisioning:
     * fail clearly for the first, wait for the second.
     */
    private async waitForDeployment(arm: ArmClient, endpointId: string, deployment: string): Promise<void> {
        const pause = this.hooks.pollIntervalMs ?? 10_000;
        for (;;) {
            let state: string;
            try {
                const found = await arm.get(`${endpointId}/deployments/${deployment}`);
                state = String(found.properties?.provisioningState ?? "Succeeded");
            } catch (err) {
                if (isArmError(err) && err.status === 404) {
                    throw armError(
                        `deployment "${deployment}" does not exist on endpoint ${endpointId.split("/").pop()}; ` +
                            "settings can only name existing deployments",
                        404,
                        err.code,
                    );
                }
                throw err;
            }
            if (state === "Succeeded") return;
            if (state === "Failed" || state === "Canceled") {
                throw armError(`deployment "${deployment}" is ${state}; fix or remove it before sending it traffic`);
            }
            await arm.waitBeforeRetry(`waiting for deployment "${deployment}"`, pause, `deployment ${state}`);
        }
    }

    private client(target: EndpointSettingsInputs, apiVersion?: string): ArmClient {
        return armClientFor(target.cloud, {
            credential: this.hooks.credential ?? azureCredential(),
            apiVersion,
            timeoutMs: target.timeoutSeconds * 1000,
            requestTimeoutMs: this.hooks.requestTimeoutMs,
            pollIntervalMs: this.hooks.pollIntervalMs,
            retryBaseMs: this.hooks.retryBaseMs,
            clock: this.hooks.clock,
        });
    }
}

/** The owned settings as the endpoint has them. */
function appliedState(endpoint: Record<string, any>, settings: Record<string, unknown>): Pick<EndpointSettingsOutputs, "applied"> {
    const applied = Object.fromEntries(
        Object.keys(settings).map((key) => [key, endpoint.properties?.[key] ?? (weightProperties.includes(key) ? {} : null)]),
    );
    return { applied };
}

/**
 * Whether two settings mean the same to Azure. Weight maps are compared as Azure keeps them
 * (no zero entries, lower-case names); everything else exactly.
 */
export function sameSettings(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.every((key) =>
        weightProperties.includes(key) ? sameWeights(a[key], b[key]) : stableJson(a[key] ?? null) === stableJson(b[key] ?? null),
    );
}
