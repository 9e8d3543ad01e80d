import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { SettingsKind } from "../../../runtime/providers/endpointSettings/endpointSettingsCore";
import { RolloutSettings } from "../../../runtime/rollout/rolloutSettings";

/** What every endpoint-settings resource takes about its endpoint. */
export interface EndpointSettingsTarget {
    /** ARM id of the endpoint. */
    readonly endpointId: pulumi.Input<string>;
    /** Azure cloud whose Resource Manager to call (`AZUREML_ARM_ENDPOINT` overrides the URL). */
    readonly cloud: AzureCloud;
    /** Seconds one apply may take, retries and waits included. */
    readonly timeoutSeconds: number;
}

/** The provider inputs of an endpoint-settings resource, outputs declared for the engine. */
export function settingsResourceInputs(
    target: EndpointSettingsTarget,
    kind: SettingsKind,
    settings: Record<string, unknown>,
    requiredDeployments: string[],
    extra: {
        readonly rollout?: RolloutSettings;
        readonly authMode?: string;
        readonly deploymentFingerprints?: pulumi.Input<Record<string, string>>;
    } = {},
): pulumi.Inputs {
    return {
        endpointId: target.endpointId,
        cloud: target.cloud,
        kind,
        settings,
        requiredDeployments,
        timeoutSeconds: target.timeoutSeconds,
        ...(extra.rollout && { rollout: extra.rollout }),
        ...(extra.authMode && { authMode: extra.authMode }),
        ...(extra.deploymentFingerprints && { deploymentFingerprints: extra.deploymentFingerprints }),
        applied: undefined,
        lastRollout: undefined,
    };
}
