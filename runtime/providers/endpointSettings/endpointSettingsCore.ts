import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { ArmClient, armClientFor } from "../../arm/armClient";
import { armError, isArmError } from "../../arm/armError";
import { AzureCloud } from "../../arm/clouds";
import { azureCredential } from "../../azure/credential";
import { endpointPutBody } from "../../endpoints/endpointPutBody";
import { sameWeights, weightProperties } from "../../endpoints/trafficWire";
import type { DeploymentFingerprints } from "../../endpoints/trafficAway";
import { Clock } from "../../http/clock";
import type { RolloutSettings } from "../../rollout/rolloutSettings";
import { stableJson } from "../../stableHash";

/**
 * Which endpoint settings a resource owns: an online endpoint's traffic and mirror traffic
 * (onlineTrafficProvider.ts), a batch endpoint's default deployment (batchDefaultProvider.ts).
 * Both can only name deployments that exist and change only through a full PUT of the endpoint,
 * so both PUT by this GET-merge-PUT. Everything else about the endpoint (tags, auth mode,
 * network access) belongs to the endpoint's own resource (../endpointProvider.ts), which
 * GET-merge-PUTs too, so each carries what the other set.
 */
export type SettingsKind = "onlineTraffic" | "batchDefault";

export interface EndpointSettingsInputs {
    /** ARM id of the endpoint. */
    readonly endpointId: string;
    readonly cloud: AzureCloud;
    readonly kind: SettingsKind;
    /** Keys of the endpoint's `properties` to set, e.g. `{ traffic, mirrorTraffic }`. */
    readonly settings: Record<string, unknown>;
    /** Deployments the settings name; each must exist (and have finished provisioning) first. */
    readonly requiredDeployments: string[];
    /** The endpoint's auth mode: how a rollout's synthetic load authenticates. */
    readonly authMode?: "Key" | "AMLToken" | "AADToken";
    /** Everything one apply does (retries, waits, the long-running PUT) ends within this. */
    readonly timeoutSeconds: number;
    /** Online traffic only: roll a raised weight out in steps (see runtime/rollout/). */
    readonly rollout?: RolloutSettings;
    /**
     * Online traffic only: each deployment's fingerprint of what decides its answers. A failed
     * rollout takes the deployments whose fingerprint changed in the update out of traffic.
     */
    readonly deploymentFingerprints?: DeploymentFingerprints;
}

export interface EndpointSettingsOutputs extends EndpointSettingsInputs {
    /** The settings as Azure reports them after the last apply or refresh. */
    readonly applied: Record<string, unknown>;
    /** The last rollout's report, a line per window; absent: the last change needed none. */
    readonly lastRollout?: string[];
}

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
 * The GET-merge-PUT both settings providers share: GET the endpoint, PUT it back with the new
 * values, follow the operation to its end, read the result back.
 *
 * Credentials are obtained when a method runs (DefaultAzureCredential: Azure CLI login, OIDC,
 * managed identity...), never taken as inputs, so nothing secret reaches the state.
 */
export class EndpointSettingsCore {
    constructor(readonly hooks: ProviderTestHooks = {}) {}

    async apply(
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

    /** Takes every deployment out of the settings (`reset`), so deleting deployments afterwards succeeds. */
    async clear(olds: EndpointSettingsOutputs, reset: Record<string, unknown>): Promise<void> {
        try {
            await this.apply(olds, reset, []);
        } catch (err) {
            // An endpoint already gone has no settings left to clear.
            if (isArmError(err) && err.status === 404) return;
            throw err;
        }
    }

    /** Reads the live settings, so a refresh shows changes made by hand (e.g. in the portal). */
    async read(id: string, props: EndpointSettingsOutputs): Promise<pulumi.dynamic.ReadResult> {
        const endpoint = await this.client(props).find(props.endpointId);
        return endpoint ? { id, props: { ...props, ...appliedState(endpoint, props.settings) } } : {};
    }

    /**
     * The diff both kinds share. Another endpoint (a renamed or replaced one) means a new
     * resource: the old one is then deleted, which clears the old endpoint's settings so that
     * its deployments can be deleted.
     */
    settingsDiff(olds: EndpointSettingsOutputs, news: EndpointSettingsInputs): { changes: boolean; replaces: string[] } {
        const replaces = (["endpointId", "kind", "cloud"] as const).filter((key) => olds[key] !== news[key]);
        const changes =
            replaces.length > 0 ||
            olds.timeoutSeconds !== news.timeoutSeconds ||
            olds.authMode !== news.authMode ||
            !sameSettings(news.settings, olds.settings) ||
            // Drift: what Azure reported at the last apply or refresh differs from what is wanted.
            !sameSettings(news.settings, olds.applied ?? {});
        return { changes, replaces };
    }

    /**
     * Azure rejects settings naming a deployment that does not exist or is still provisioning:
     * fail clearly for the first, wait for the second.
     */
    async waitForDeployment(arm: ArmClient, endpointId: string, deployment: string): Promise<void> {
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

    /** A line for the engine's display while the update runs: the provider's stderr, unless a test collects them. */
    progress(line: string): void {
        if (this.hooks.progress) this.hooks.progress(line);
        else process.stderr.write(`${line}\n`);
    }

    /** A client whose deadline is the resource's timeout; a new one per call gives each call its own. */
    client(target: Pick<EndpointSettingsInputs, "cloud" | "timeoutSeconds">, apiVersion?: string): ArmClient {
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
