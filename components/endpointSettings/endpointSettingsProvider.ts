import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { ArmClient } from "../../lib/arm/armClient";
import { azureCredential } from "../../lib/azure/credential";
import { armError, isArmError } from "../../lib/arm/armError";
import { AzureCloud, machineLearningApiVersion, resourceManagerScope, resourceManagerUrl } from "../../lib/arm/clouds";
import { Clock } from "../../lib/http/clock";


/**
 * Which endpoint settings a resource owns. Both kinds can only name deployments that exist and
 * change only through a full PUT of the endpoint, so they share this one provider.
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
    /**
     * Changes whenever the endpoint itself is updated: Azure's PUT of the endpoint resets these
     * settings, so a new revision makes this resource apply them again.
     */
    readonly endpointRevision: string;
    /**
     * When Azure last modified the endpoint, as the endpoint's own Pulumi state last saw it
     * (`systemData.lastModifiedAt`). Later than this resource's last apply means something else
     * PUT the endpoint since (a refresh-then-update restoring a tag edited in the portal, say),
     * which reset these settings: apply them again.
     */
    readonly endpointModifiedAt?: string;
    /** Everything one apply does (retries, waits, the long-running PUT) ends within this. */
    readonly timeoutSeconds: number;
}

export interface EndpointSettingsOutputs extends EndpointSettingsInputs {
    /** The settings as Azure reports them after the last apply or refresh. */
    readonly applied: Record<string, unknown>;
    /** The endpoint's `systemData.lastModifiedAt` right after this resource's last PUT. */
    readonly appliedAt?: string;
}

/** What a delete leaves behind: no deployment named, so any deployment may then be deleted. */
const resetSettings: Record<SettingsKind, Record<string, unknown>> = {
    onlineTraffic: { traffic: {}, mirrorTraffic: {} },
    batchDefault: { defaults: { deploymentName: null } },
};

/** Read-only endpoint properties that a PUT must not send back. */
const readOnlyProperties = ["provisioningState", "scoringUri", "swaggerUri"];

export interface ProviderTestHooks {
    readonly credential?: TokenCredential;
    readonly clock?: Clock;
    readonly requestTimeoutMs?: number;
    readonly pollIntervalMs?: number;
    readonly retryBaseMs?: number;
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
        const result = await this.apply(inputs, inputs.settings, inputs.requiredDeployments);
        return { id: `${inputs.endpointId}/settings/${inputs.kind}`, outs: { ...inputs, ...result } };
    }

    async update(_id: string, _olds: EndpointSettingsOutputs, news: EndpointSettingsInputs): Promise<pulumi.dynamic.UpdateResult> {
        const result = await this.apply(news, news.settings, news.requiredDeployments);
        return { outs: { ...news, ...result } };
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
            return { id, props: { ...props, applied: pickSettings(endpoint, props.settings) } };
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
            olds.endpointRevision !== news.endpointRevision ||
            olds.timeoutSeconds !== news.timeoutSeconds ||
            !sameSettings(news.kind, news.settings, olds.settings) ||
            // Drift: what Azure reported at the last apply or refresh differs from what is wanted.
            !sameSettings(news.kind, news.settings, olds.applied ?? {}) ||
            modifiedSince(news.endpointModifiedAt, olds.appliedAt);
        return { changes: changed, replaces, deleteBeforeReplace: false };
    }

    private async apply(
        target: EndpointSettingsInputs,
        settings: Record<string, unknown>,
        requiredDeployments: readonly string[],
    ): Promise<{ applied: Record<string, unknown>; appliedAt?: string }> {
        const arm = this.client(target);
        for (const deployment of requiredDeployments) await this.waitForDeployment(arm, target.endpointId, deployment);
        const endpoint = await arm.get(target.endpointId);
        const updated = await arm.putAndWait(target.endpointId, endpointPutBody(endpoint, settings));
        const appliedAt = updated.systemData?.lastModifiedAt;
        return { applied: pickSettings(updated, settings), ...(typeof appliedAt === "string" ? { appliedAt } : {}) };
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

    private client(target: EndpointSettingsInputs): ArmClient {
        return new ArmClient({
            baseUrl: resourceManagerUrl(target.cloud),
            scope: resourceManagerScope(target.cloud),
            credential: this.hooks.credential ?? azureCredential(),
            apiVersion: machineLearningApiVersion,
            timeoutMs: target.timeoutSeconds * 1000,
            requestTimeoutMs: this.hooks.requestTimeoutMs,
            pollIntervalMs: this.hooks.pollIntervalMs,
            retryBaseMs: this.hooks.retryBaseMs,
            clock: this.hooks.clock,
        });
    }
}

/** The endpoint as Azure returned it, minus read-only fields, with `settings` laid over its properties. */
export function endpointPutBody(endpoint: Record<string, any>, settings: Record<string, unknown>): Record<string, unknown> {
    const properties: Record<string, unknown> = { ...(endpoint.properties ?? {}) };
    for (const key of readOnlyProperties) delete properties[key];
    const body: Record<string, unknown> = { location: endpoint.location, properties: { ...properties, ...settings } };
    if (endpoint.tags) body.tags = endpoint.tags;
    if (endpoint.kind) body.kind = endpoint.kind;
    if (endpoint.sku) body.sku = endpoint.sku;
    if (endpoint.identity?.type) {
        body.identity = { type: endpoint.identity.type };
        if (endpoint.identity.userAssignedIdentities) {
            (body.identity as Record<string, unknown>).userAssignedIdentities = Object.fromEntries(
                Object.keys(endpoint.identity.userAssignedIdentities).map((id) => [id, {}]),
            );
        }
    }
    return body;
}

/** Whether the endpoint was modified after this resource last applied its settings. */
export function modifiedSince(endpointModifiedAt: string | undefined, appliedAt: string | undefined): boolean {
    if (!endpointModifiedAt || !appliedAt) return false;
    const modified = Date.parse(endpointModifiedAt);
    const applied = Date.parse(appliedAt);
    return !Number.isNaN(modified) && !Number.isNaN(applied) && modified > applied;
}

function pickSettings(endpoint: Record<string, any>, settings: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.keys(settings).map((key) => [key, endpoint.properties?.[key] ?? {}]));
}

/**
 * Whether two settings mean the same to Azure. Traffic maps are compared without their zero
 * entries (Azure may list deployments at 0% or leave them out); everything else exactly.
 */
export function sameSettings(kind: SettingsKind, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    const normalize = (settings: Record<string, unknown>) =>
        JSON.stringify(
            Object.keys(settings)
                .sort()
                .map((key) => [key, kind === "onlineTraffic" ? nonZero(settings[key]) : settings[key]]),
        );
    return normalize(a) === normalize(b);
}

function nonZero(weights: unknown): [string, number][] {
    if (typeof weights !== "object" || weights === null) return [];
    return Object.entries(weights as Record<string, number>)
        .filter(([, weight]) => Number(weight) !== 0)
        .map(([name, weight]): [string, number] => [name, Number(weight)])
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
}
