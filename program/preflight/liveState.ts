import { TrafficWeights } from "../../runtime/endpoints/trafficWire";

/** An online deployment as Azure runs it now. */
export interface LiveDeployment {
    readonly name: string;
    readonly instanceType: string;
    readonly instanceCount: number;
    /** The model it serves (an ARM id or azureml:// URI), as Azure reports it. */
    readonly model: string;
    /** Its request timeout (Azure's `requestSettings.requestTimeout`, ISO 8601), in milliseconds. */
    readonly requestTimeoutMs?: number;
    readonly environmentVariables: Readonly<Record<string, string>>;
}

/** What the stack's resources in Azure are now, as far as the preflight needs it. */
export interface LiveState {
    /** The online endpoint's live and mirror weights; undefined: it does not exist. */
    readonly traffic?: TrafficWeights;
    readonly deployments: readonly LiveDeployment[];
    readonly cluster?: { readonly vmSize: string; readonly vmPriority: string; readonly minNodes: number };
    /** The workspace's container registry SKU; undefined: it does not exist. */
    readonly containerRegistrySku?: string;
    /** Whether the stack's registry exists (its container registries are billed). */
    readonly registryExists: boolean;
}

/** A stack with nothing in Azure yet. */
export const nothingLive: LiveState = { deployments: [], registryExists: false };
