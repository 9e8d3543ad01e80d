import * as pulumi from "@pulumi/pulumi";
import { EndpointSettingsCore, EndpointSettingsInputs, EndpointSettingsOutputs, ProviderTestHooks } from "./endpointSettingsCore";

/** What a delete leaves behind: no default, so the deployment may then be deleted. */
const noDefault = { defaults: { deploymentName: null } };

/**
 * Dynamic provider of a batch endpoint's default deployment (`defaults.deploymentName`), set by
 * GET-merge-PUT once that deployment exists and unset when deleted.
 */
export class BatchDefaultProvider implements pulumi.dynamic.ResourceProvider {
    private readonly core: EndpointSettingsCore;

    constructor(hooks: ProviderTestHooks = {}) {
        this.core = new EndpointSettingsCore(hooks);
    }

    async create(inputs: EndpointSettingsInputs): Promise<pulumi.dynamic.CreateResult> {
        const result = await this.core.apply(inputs, inputs.settings, inputs.requiredDeployments);
        return { id: `${inputs.endpointId}/settings/${inputs.kind}`, outs: { ...inputs, ...result } };
    }

    async update(_id: string, _olds: EndpointSettingsOutputs, news: EndpointSettingsInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: { ...news, ...(await this.core.apply(news, news.settings, news.requiredDeployments)) } };
    }

    async delete(_id: string, olds: EndpointSettingsOutputs): Promise<void> {
        await this.core.clear(olds, noDefault);
    }

    read(id: string, props: EndpointSettingsOutputs): Promise<pulumi.dynamic.ReadResult> {
        return this.core.read(id, props);
    }

    async diff(_id: string, olds: EndpointSettingsOutputs, news: EndpointSettingsInputs): Promise<pulumi.dynamic.DiffResult> {
        return { ...this.core.settingsDiff(olds, news), deleteBeforeReplace: false };
    }
}
