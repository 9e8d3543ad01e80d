import * as pulumi from "@pulumi/pulumi";
import { sameTrafficWeights, weightsOf } from "../../endpoints/trafficWire";
import { driveRollout } from "../../rollout/rolloutDriver";
import { stableJson } from "../../stableHash";
import { EndpointSettingsCore, EndpointSettingsInputs, EndpointSettingsOutputs, ProviderTestHooks } from "./endpointSettingsCore";

/** What a delete leaves behind: no deployment named, so any deployment may then be deleted. */
const noTraffic = { traffic: {}, mirrorTraffic: {} };

/**
 * Dynamic provider of an online endpoint's traffic and mirror traffic: applied by GET-merge-PUT
 * once every deployment they name exists, in one PUT or, when a rollout is configured and a
 * deployment's live weight rises, in the rollout's watched steps (runtime/rollout/rolloutDriver.ts).
 */
export class OnlineTrafficProvider implements pulumi.dynamic.ResourceProvider {
    private readonly core: EndpointSettingsCore;

    constructor(hooks: ProviderTestHooks = {}) {
        this.core = new EndpointSettingsCore(hooks);
    }

    async create(inputs: EndpointSettingsInputs): Promise<pulumi.dynamic.CreateResult> {
        const rolled = await driveRollout(this.core, inputs, undefined);
        // A rollout has already waited for every deployment it names.
        const result = await this.core.apply(inputs, inputs.settings, rolled ? [] : inputs.requiredDeployments);
        return { id: `${inputs.endpointId}/settings/${inputs.kind}`, outs: { ...inputs, ...result, ...rolled } };
    }

    async update(_id: string, olds: EndpointSettingsOutputs, news: EndpointSettingsInputs): Promise<pulumi.dynamic.UpdateResult> {
        const rolled = await driveRollout(this.core, news, olds);
        if (!rolled) {
            // Only the deployments' fingerprints changed (recorded for the next failed rollout):
            // Azure already routes as declared, so there is nothing to PUT.
            const endpoint = await this.core.client(news).get(news.endpointId);
            if (sameTrafficWeights(weightsOf(endpoint.properties ?? {}), weightsOf(news.settings))) {
                return { outs: { ...news, applied: weightsOf(endpoint.properties ?? {}) } };
            }
        }
        const result = await this.core.apply(news, news.settings, rolled ? [] : news.requiredDeployments);
        return { outs: { ...news, ...result, ...rolled } };
    }

    async delete(_id: string, olds: EndpointSettingsOutputs): Promise<void> {
        await this.core.clear(olds, noTraffic);
    }

    read(id: string, props: EndpointSettingsOutputs): Promise<pulumi.dynamic.ReadResult> {
        return this.core.read(id, props);
    }

    async diff(_id: string, olds: EndpointSettingsOutputs, news: EndpointSettingsInputs): Promise<pulumi.dynamic.DiffResult> {
        const { changes, replaces } = this.core.settingsDiff(olds, news);
        // A deployment that changed is recorded, so a failed rollout later knows which ones changed.
        const fingerprintsMoved = stableJson(olds.deploymentFingerprints ?? null) !== stableJson(news.deploymentFingerprints ?? null);
        return { changes: changes || fingerprintsMoved || (await this.liveWeightsDiffer(news)), replaces, deleteBeforeReplace: false };
    }

    /**
     * Whether the endpoint's live traffic differs from the declared weights. This program moves
     * traffic outside this resource's state (a rollout's steps, a post-deploy smoke test that
     * restores the previous weights, a rollout the engine was killed in), and each must show as a
     * change on the next preview or `up`, without waiting for a refresh. An endpoint that is gone
     * is left for a refresh to find, as the endpoint's own resource does.
     */
    private async liveWeightsDiffer(news: EndpointSettingsInputs): Promise<boolean> {
        let endpoint: Record<string, any> | undefined;
        try {
            endpoint = await this.core.client(news).find(news.endpointId);
        } catch (err) {
            throw new Error(`reading the live traffic of endpoint ${news.endpointId.split("/").pop()} to compare it with the declared weights: ${String(err)}`);
        }
        if (!endpoint) return false;
        return !sameTrafficWeights(weightsOf(endpoint.properties ?? {}), weightsOf(news.settings));
    }
}
