import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../arm/clouds";
import { endpointPutBody } from "../../endpoints/endpointPutBody";
import { DeploymentFingerprints, changedDeployments, drainDecision } from "../../endpoints/trafficAway";
import { describeWeights, weightsOf } from "../../endpoints/trafficWire";
import { stableJson } from "../../stableHash";
import { EndpointSettingsCore, ProviderTestHooks } from "./endpointSettingsCore";

export interface TrafficDrainInputs {
    /** ARM id of the endpoint. */
    readonly endpointId: string;
    readonly cloud: AzureCloud;
    readonly timeoutSeconds: number;
    /** Drain only with a rollout to give the traffic back step by step; without one, nothing is done. */
    readonly enabled: boolean;
    /** Each deployment's fingerprint of what decides its answers. */
    readonly deploymentFingerprints: DeploymentFingerprints;
}

export interface TrafficDrainOutputs extends TrafficDrainInputs {
    /** What the last update did to traffic; absent: nothing to drain. */
    readonly lastDrain?: string;
}

/**
 * Dynamic provider that takes a deployment out of live and mirror traffic before its model or
 * settings change, when the endpoint has a rollout: its live share goes to the unchanged
 * deployments that serve (runtime/endpoints/trafficAway.ts), so the new model answers no live
 * request until the rollout has judged it (mirror stage first, then the steps). Runs when a
 * deployment's fingerprint changes; the deployments' resources depend on it. A deployment that is
 * the only one serving keeps its traffic (taking it away would leave the endpoint without any).
 */
export class TrafficDrainProvider implements pulumi.dynamic.ResourceProvider {
    private readonly core: EndpointSettingsCore;

    constructor(hooks: ProviderTestHooks = {}) {
        this.core = new EndpointSettingsCore(hooks);
    }

    /** A new endpoint serves nothing yet: there is nothing to drain. */
    async create(inputs: TrafficDrainInputs): Promise<pulumi.dynamic.CreateResult> {
        return { id: `${inputs.endpointId}/drain`, outs: inputs };
    }

    async diff(_id: string, olds: TrafficDrainOutputs, news: TrafficDrainInputs): Promise<pulumi.dynamic.DiffResult> {
        const { lastDrain: _lastDrain, ...oldInputs } = olds;
        return { changes: stableJson(oldInputs) !== stableJson(news), replaces: olds.endpointId !== news.endpointId ? ["endpointId"] : [], deleteBeforeReplace: false };
    }

    async update(_id: string, olds: TrafficDrainOutputs, news: TrafficDrainInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: { ...news, ...(await this.drain(olds, news)) } };
    }

    /** Nothing lives in Azure. */
    async delete(): Promise<void> {}

    private async drain(olds: TrafficDrainOutputs, news: TrafficDrainInputs): Promise<Pick<TrafficDrainOutputs, "lastDrain">> {
        if (!news.enabled) return {};
        const changed = changedDeployments(olds.deploymentFingerprints, news.deploymentFingerprints);
        if (changed.size === 0) return {};
        const arm = this.core.client(news);
        const endpoint = await arm.find(news.endpointId);
        if (!endpoint) return {};
        const live = weightsOf(endpoint.properties ?? {});
        const say = (line: string) => {
            this.core.progress(line);
            return { lastDrain: line };
        };
        const { target, serving, keptLive, keptLiveBecause } = drainDecision(live, changed);
        // A rollout gives back one deployment's weight at a time, through its gates: drain only then.
        if (keptLiveBecause === "several") {
            return say(`${serving.join(", ")} changed and keep their live traffic while updating: a rollout gives traffic back to one deployment at a time`);
        }
        if (keptLiveBecause === "alone") {
            return say(`${keptLive.join(", ")} changed and keeps its live traffic while updating: no unchanged deployment serves to take it (${describeWeights(live)})`);
        }
        if (!target) return {};
        await arm.putAndWait(news.endpointId, endpointPutBody(endpoint, { traffic: target.traffic, mirrorTraffic: target.mirrorTraffic }));
        const gives = serving.length === 1 ? `; the rollout gives ${serving[0]} its weight back step by step, from the mirror stage if one is set` : "";
        return say(`${[...changed].sort().join(", ")} changed: taken out of traffic before the update (${describeWeights(live)} -> ${describeWeights(target)})${gives}`);
    }
}
