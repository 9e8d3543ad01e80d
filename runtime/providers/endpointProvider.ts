import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { ArmClient, armClientFor } from "../arm/armClient";
import { armError, failedAfterAccepted, initFailure } from "../arm/armError";
import { AzureCloud } from "../arm/clouds";
import { azureCredential } from "../azure/credential";
import { normalizedLocation } from "../azure/location";
import { stableJson } from "../stableHash";
import { endpointPutBody } from "../endpoints/endpointPutBody";

/** An online or batch endpoint as this resource declares it: everything but its traffic and defaults. */
export interface EndpointInputs {
    /** ARM id of the endpoint (its workspace's id, `/onlineEndpoints/` or `/batchEndpoints/`, its name). */
    readonly endpointId: string;
    readonly cloud: AzureCloud;
    /** Azure region; Azure cannot move an endpoint. */
    readonly location: string;
    /** The endpoint's own properties: auth mode, public network access (never traffic or defaults). */
    readonly properties: Record<string, unknown>;
    readonly tags: Record<string, string>;
    /** Seconds one create, update or delete may take, retries and Azure's operation included. */
    readonly timeoutSeconds: number;
}

export interface EndpointOutputs extends EndpointInputs {
    /** The endpoint's name (the last segment of its id). */
    readonly name: string;
    readonly scoringUri: string;
    /** Online endpoints only. */
    readonly swaggerUri?: string;
    /** The endpoint's system-assigned identity. */
    readonly principalId?: string;
}

export interface EndpointProviderHooks {
    readonly credential?: TokenCredential;
    readonly pollIntervalMs?: number;
    readonly retryBaseMs?: number;
}

/**
 * Owns an Azure ML online or batch endpoint: creates it (with a system-assigned identity and no
 * traffic or default, which can only name deployments that exist), updates its auth mode, network
 * access and tags by GET-merge-PUT, so that every PUT carries the live traffic, mirror traffic and
 * batch default as Azure has them at that moment, and deletes it.
 *
 * Why not `azure-native:machinelearningservices:OnlineEndpoint`: its every update is a full PUT of
 * the recorded inputs (azure-native-provider.md R3, R11), and a routine upgrade of
 * @pulumi/azure-native that moves the type's API version is such an update (R7), as is any update
 * after a refresh recorded a traffic snapshot (R6). That PUT carries no traffic, or a stale one,
 * and Azure's PUT replaces the whole endpoint: live traffic gone until something puts it back.
 */
export class EndpointProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly hooks: EndpointProviderHooks = {}) {}

    async create(inputs: EndpointInputs): Promise<pulumi.dynamic.CreateResult> {
        const arm = this.client(inputs);
        // As azure-native does before a create: an endpoint of that name is someone else's.
        if (await arm.exists(inputs.endpointId)) {
            throw armError(
                `endpoint ${nameOf(inputs.endpointId)} already exists in the workspace (${inputs.endpointId}); ` +
                    "it is not in this stack's state: delete it, or give the stack's endpoint another name",
            );
        }
        const body = {
            location: inputs.location,
            identity: { type: "SystemAssigned" },
            properties: inputs.properties,
            tags: inputs.tags,
        };
        try {
            const created = await arm.putAndWait(inputs.endpointId, body);
            return { id: inputs.endpointId, outs: outputsOf(inputs, created) };
        } catch (err) {
            if (!failedAfterAccepted(err)) throw err;
            // Azure has the endpoint (in state Failed): kept in the stack's state with the error,
            // so the next `up` updates it and removing it deletes it, rather than refusing it as
            // someone else's.
            const failed = await arm.get(inputs.endpointId).catch(() => ({}));
            throw initFailure(err, inputs.endpointId, outputsOf(inputs, failed));
        }
    }

    async update(_id: string, _olds: EndpointOutputs, news: EndpointInputs): Promise<pulumi.dynamic.UpdateResult> {
        const arm = this.client(news);
        const live = await arm.get(news.endpointId);
        const updated = await arm.putAndWait(news.endpointId, endpointPutBody(live, news.properties, news.tags));
        return { outs: outputsOf(news, updated) };
    }

    async delete(_id: string, olds: EndpointOutputs): Promise<void> {
        // Azure deletes the endpoint's deployments with it.
        await this.client(olds).deleteAndWait(olds.endpointId);
    }

    /** Azure's current auth mode, network access and tags, so a refresh shows changes made elsewhere. */
    async read(id: string, props: EndpointOutputs): Promise<pulumi.dynamic.ReadResult> {
        const live = await this.client(props).find(props.endpointId);
        if (!live) return {};
        const properties = Object.fromEntries(Object.keys(props.properties).map((key) => [key, live.properties?.[key] ?? null]));
        return { id, props: outputsOf({ ...props, location: live.location ?? props.location, properties, tags: { ...(live.tags ?? {}) } }, live) };
    }

    async diff(_id: string, olds: EndpointOutputs, news: EndpointInputs): Promise<pulumi.dynamic.DiffResult> {
        // Azure can neither rename nor move an endpoint. A rename never reaches here as a
        // replacement: the program names the endpoint's resources after it (a new endpoint beside
        // the old one, which is deleted once the new one serves). A move is delete-first: the
        // same id cannot exist twice.
        const replaces: string[] = (["endpointId", "cloud"] as const).filter((key) => olds[key] !== news[key]);
        if (normalizedLocation(olds.location) !== normalizedLocation(news.location)) replaces.push("location");
        const changed =
            replaces.length > 0 ||
            olds.timeoutSeconds !== news.timeoutSeconds ||
            stableJson(olds.properties) !== stableJson(news.properties) ||
            stableJson(olds.tags) !== stableJson(news.tags);
        return { changes: changed, replaces, deleteBeforeReplace: replaces.length > 0 && olds.endpointId === news.endpointId };
    }

    private client(target: EndpointInputs): ArmClient {
        return armClientFor(target.cloud, {
            credential: this.hooks.credential ?? azureCredential(),
            timeoutMs: target.timeoutSeconds * 1000,
            pollIntervalMs: this.hooks.pollIntervalMs,
            retryBaseMs: this.hooks.retryBaseMs,
        });
    }
}

function nameOf(endpointId: string): string {
    return endpointId.split("/").pop()!;
}

function outputsOf(inputs: EndpointInputs, endpoint: Record<string, any>): EndpointOutputs {
    return {
        ...inputs,
        name: nameOf(inputs.endpointId),
        scoringUri: String(endpoint.properties?.scoringUri ?? ""),
        ...(endpoint.properties?.swaggerUri ? { swaggerUri: String(endpoint.properties.swaggerUri) } : {}),
        ...(endpoint.identity?.principalId ? { principalId: String(endpoint.identity.principalId) } : {}),
    };
}
