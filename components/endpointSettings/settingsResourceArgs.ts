import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../lib/arm/clouds";
import { RolloutSettings, SettingsKind } from "./endpointSettingsProvider";

/** What every endpoint-settings resource takes about its endpoint. */
export interface EndpointSettingsTarget {
    /** ARM id of the endpoint. */
    readonly endpointId: pulumi.Input<string>;
    /** Azure cloud whose Resource Manager to call (`AZUREML_ARM_ENDPOINT` overrides the URL). */
    readonly cloud: AzureCloud;
    /** The endpoint's tags: this resource owns them after creation (a PUT replaces them). */
    readonly tags: Readonly<Record<string, string>>;
    /** The endpoint's `systemData.lastModifiedAt` from its Pulumi state (see EndpointSettingsInputs). */
    readonly endpointModifiedAt?: pulumi.Input<string | undefined>;
    /** Seconds one apply may take, retries and waits included. */
    readonly timeoutSeconds: number;
}

/** The provider inputs of an endpoint-settings resource, outputs declared for the engine. */
export function settingsResourceInputs(
    target: EndpointSettingsTarget,
    kind: SettingsKind,
    settings: Record<string, unknown>,
    requiredDeployments: string[],
    rollout?: RolloutSettings,
): pulumi.Inputs {
    return {
        endpointId: target.endpointId,
        cloud: target.cloud,
        kind,
        settings,
        tags: { ...target.tags },
        requiredDeployments,
        endpointModifiedAt: target.endpointModifiedAt,
        timeoutSeconds: target.timeoutSeconds,
        ...(rollout && { rollout }),
        applied: undefined,
        lastRollout: undefined,
        appliedTags: undefined,
        appliedAt: undefined,
    };
}

/**
 * Endpoint inputs that its settings resource owns after creation: the endpoint's own resource
 * ignores their changes, so that azure-native never PUTs the endpoint again (its PUT carries no
 * traffic and would take all traffic off until the settings resource put it back).
 */
export function settingsOwnedInputs(properties: readonly string[]): string[] {
    return ["tags", ...properties.map((key) => `properties.${key}`)];
}
