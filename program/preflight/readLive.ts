import { PlatformNames, endpointName } from "../../config/naming/names";
import { StackConfig } from "../../config/schema";
import { ArmClient } from "../../runtime/arm/armClient";
import { weightsOf } from "../../runtime/endpoints/trafficWire";
import { LiveDeployment, LiveState, nothingLive } from "./liveState";

const containerRegistryApiVersion = "2023-07-01";

/**
 * What the stack runs in Azure now, read with GETs only (nothing is changed): the online
 * endpoint's weights and deployments, the compute cluster's scale settings, the workspace's
 * container registry SKU and whether the stack's registry exists. A resource that does not exist
 * (404) is simply not there; any other failure is thrown.
 */
export async function readLiveState(armFor: (apiVersion?: string) => ArmClient, config: StackConfig, subscriptionId: string, names: PlatformNames, suffix: string): Promise<LiveState> {
    const arm = armFor();
    const group = `/subscriptions/${subscriptionId}/resourceGroups/${config.resourceGroupName ?? names.resourceGroup}`;
    const workspace = `${group}/providers/Microsoft.MachineLearningServices/workspaces/${names.workspace}`;
    if (!(await arm.find(workspace))) return nothingLive;
    const state: { -readonly [K in keyof LiveState]: LiveState[K] } = { ...nothingLive };
    if (config.onlineEndpoint) {
        const endpoint = `${workspace}/onlineEndpoints/${endpointName(config.onlineEndpoint.name, suffix)}`;
        const body = await arm.find(endpoint);
        if (body) {
            state.traffic = weightsOf(body.properties ?? {});
            const list = await arm.list(`${endpoint}/deployments`);
            state.deployments = list.map(liveDeployment).sort((a, b) => a.name.localeCompare(b.name));
        }
    }
    if (config.computeCluster) {
        const compute = await arm.find(`${workspace}/computes/${config.computeCluster.name}`);
        const properties = compute?.properties?.properties;
        if (properties) {
            state.cluster = {
                vmSize: String(properties.vmSize ?? ""),
                vmPriority: String(properties.vmPriority ?? "Dedicated"),
                minNodes: Number(properties.scaleSettings?.minNodeCount ?? 0),
            };
        }
    }
    // Read for the cost alone: one the identity may not read leaves only its line's "now" unknown.
    const registry = await armFor(containerRegistryApiVersion).find(`${group}/providers/Microsoft.ContainerRegistry/registries/${names.containerRegistry}`).catch(() => undefined);
    state.containerRegistrySku = registry?.sku?.name;
    state.registryExists = config.registry
        ? (await arm.find(`${group}/providers/Microsoft.MachineLearningServices/registries/${config.registry.name}`).catch(() => undefined)) !== undefined
        : false;
    return state;
}

function liveDeployment(body: Record<string, any>): LiveDeployment {
    return {
        name: String(body.name),
        instanceType: String(body.properties?.instanceType ?? ""),
        instanceCount: Number(body.sku?.capacity ?? body.properties?.scaleSettings?.instanceCount ?? 1),
        model: String(body.properties?.model ?? ""),
        requestTimeoutMs: isoDurationMs(body.properties?.requestSettings?.requestTimeout),
        environmentVariables: { ...(body.properties?.environmentVariables ?? {}) },
    };
}

/** `PT5S`, `PT1M30S`, `PT0.5S` in milliseconds; undefined for anything else. */
function isoDurationMs(value: unknown): number | undefined {
    const match = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(String(value ?? ""));
    if (!match || !(match[1] || match[2] || match[3])) return undefined;
    const [h, m, s] = [match[1], match[2], match[3]].map((v) => Number(v ?? 0));
    return Math.round(((h * 60 + m) * 60 + s) * 1000);
}
