import type { RolloutSettings } from "../../../runtime/rollout/rolloutSettings";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "@pulumi/azure-native/types/input";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { AzureMlEndpoint } from "../endpoint/azureMlEndpoint";
import { AppliedOnlineSettings, OnlineEndpointTraffic } from "../endpointSettings/onlineEndpointTraffic";
import { OnlineTrafficDrain } from "../endpointSettings/onlineTrafficDrain";
import { isoSeconds } from "../compute/computeCluster";
import { stableHash } from "../../../runtime/stableHash";
import { declareInSequence } from "../sequence";

export interface ProbeSpec {
    readonly initialDelaySeconds: number;
    readonly periodSeconds: number;
    readonly timeoutSeconds: number;
    readonly failureThreshold: number;
    readonly successThreshold: number;
}

export interface OnlineDeploymentSpec {
    /** Deployment name (blue, green, ...): the stable key of its resource. */
    readonly name: string;
    /** ARM id of the registered model version it serves. */
    readonly modelId: pulumi.Input<string>;
    /** Azure ML instance type, e.g. Standard_DS3_v2. */
    readonly instanceType: string;
    readonly instanceCount: number;
    /** Milliseconds before Azure answers 408. */
    readonly requestTimeoutMs: number;
    readonly maxConcurrentRequestsPerInstance: number;
    readonly livenessProbe: ProbeSpec;
    readonly readinessProbe: ProbeSpec;
    readonly environmentVariables: Readonly<Record<string, string>>;
    readonly appInsightsEnabled: boolean;
}

export interface OnlineEndpointArgs<Gate extends pulumi.Resource = pulumi.Resource> {
    /** ARM id of the workspace. */
    readonly workspaceId: pulumi.Input<string>;
    readonly workspaceName: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    /** Azure name of the endpoint (unique in its region). */
    readonly endpointName: pulumi.Input<string>;
    readonly authMode: "Key" | "AMLToken" | "AADToken";
    readonly publicNetworkAccess: "Enabled" | "Disabled";
    readonly deployments: readonly OnlineDeploymentSpec[];
    /** Percent of live traffic per deployment (validated: 0-100, sum 100 or 0). */
    readonly traffic: Readonly<Record<string, number>>;
    /** Percent of traffic mirrored to a deployment without live traffic (at most 50). */
    readonly mirrorTraffic: Readonly<Record<string, number>>;
    readonly cloud: AzureCloud;
    /** Seconds the traffic step (and each create, update or delete of the endpoint) may take before it fails. */
    readonly trafficTimeoutSeconds: number;
    /** Progressive rollout of a raised weight (runtime/rollout/); absent: one PUT. */
    readonly rollout?: RolloutSettings;
    readonly tags: Readonly<Record<string, string>>;
    /**
     * Declares what must pass before any traffic moves (e.g. a probe of every deployment); the
     * traffic resource waits for it. Called once the deployments are declared; the endpoint keeps
     * what it returns as `trafficGate`.
     */
    readonly gateTraffic?: (endpoint: TrafficGateContext) => Gate;
}

/** What a traffic gate needs to know about the endpoint. */
export interface TrafficGateContext {
    readonly endpointId: pulumi.Output<string>;
    readonly scoringUri: pulumi.Output<string>;
    readonly deploymentNames: string[];
    /** The deployment resources: a gate depends on them. */
    readonly deployments: pulumi.Resource[];
    /** Changes when a deployment's settings or model change (not with traffic). */
    readonly deploymentsFingerprint: pulumi.Output<string>;
    /** Each deployment's fingerprint of what decides its answers (model, environment, instance type, request timeout). */
    readonly deploymentFingerprints: pulumi.Output<Record<string, string>>;
}

/** ISO 8601 duration for milliseconds (Azure takes "PT5S", "PT0.5S"). */
export function isoMilliseconds(ms: number): string {
    return `PT${ms / 1000}S`;
}

function probe(spec: ProbeSpec): inputs.machinelearningservices.ProbeSettingsArgs {
    return {
        initialDelay: isoSeconds(spec.initialDelaySeconds),
        period: isoSeconds(spec.periodSeconds),
        timeout: isoSeconds(spec.timeoutSeconds),
        failureThreshold: spec.failureThreshold,
        successThreshold: spec.successThreshold,
    };
}

/**
 * A managed online endpoint with blue/green (or any number of) no-code MLflow deployments, and
 * its traffic applied in the order Azure demands:
 * 1. the endpoint, owned by this program's own resource (program/components/endpoint/): created without
 *    traffic (Azure refuses traffic naming missing deployments), its auth mode, network access and
 *    tags updated by GET-merge-PUT, so no update, azure-native upgrade or refresh PUTs it without
 *    its live traffic;
 * 2. the deployments, one after another (the endpoint takes one operation at a time);
 * 3. the traffic, by a resource that depends on every deployment, cleared before deployments are
 *    deleted.
 * Name the component after the endpoint (the platform uses `online-<endpoint name in config>`):
 * a renamed endpoint is then a new endpoint beside the old one, which keeps serving until the new
 * one has taken its traffic and is deleted at the end of the update.
 */
export class OnlineEndpoint<Gate extends pulumi.Resource = pulumi.Resource> extends pulumi.ComponentResource {
    public readonly endpointName: pulumi.Output<string>;
    /** ARM id of the endpoint. */
    public readonly endpointId: pulumi.Output<string>;
    /** The resource that applies traffic: anything that must run after traffic depends on it. */
    public readonly trafficResource: OnlineEndpointTraffic;
    /**
     * A hash of what the endpoint serves: every deployment's settings and model, and the traffic
     * Azure applied. It changes exactly when a post-deploy check should run again.
     */
    public readonly servedFingerprint: pulumi.Output<string>;
    public readonly scoringUri: pulumi.Output<string>;
    public readonly swaggerUri: pulumi.Output<string>;
    public readonly deploymentNames: string[];
    /** Traffic and mirror traffic as Azure reports them after the apply. */
    public readonly appliedTraffic: pulumi.Output<Pick<AppliedOnlineSettings, "traffic" | "mirrorTraffic">>;
    /** Primary key, a Pulumi secret; only for key authentication. */
    public readonly primaryKey?: pulumi.Output<string>;
    /** Each deployment's fingerprint of what decides its answers (see TrafficGateContext). */
    public readonly deploymentFingerprints: pulumi.Output<Record<string, string>>;
    /** What `gateTraffic` declared: it passed before any traffic moved. */
    public readonly trafficGate?: Gate;

    constructor(name: string, args: OnlineEndpointArgs<Gate>, opts?: pulumi.ComponentResourceOptions) {
        super("azureml-mlflow:online:OnlineEndpoint", name, {}, opts);
        const inWorkspace = { workspaceName: args.workspaceName, resourceGroupName: args.resourceGroupName };
        const tags = { ...args.tags };

        const endpoint = new AzureMlEndpoint(
            `${name}-endpoint`,
            "online",
            {
                workspaceId: args.workspaceId,
                endpointName: args.endpointName,
                location: args.location,
                cloud: args.cloud,
                properties: { authMode: args.authMode, publicNetworkAccess: args.publicNetworkAccess },
                tags,
                timeoutSeconds: args.trafficTimeoutSeconds,
            },
            { parent: this },
        );

        const deploymentFingerprints = pulumi
            .all(args.deployments.map((d) => d.modelId))
            .apply((modelIds) =>
                Object.fromEntries(
                    args.deployments.map((d, i) => {
                        // What decides its answers: its model, environment, instance type and request
                        // timeout. Capacity, probes and logging change no answer: not a changed deployment.
                        const answers = { instanceType: d.instanceType, requestTimeoutMs: d.requestTimeoutMs, environmentVariables: d.environmentVariables };
                        return [d.name, stableHash({ ...answers, modelId: modelIds[i] })];
                    }),
                ),
            );
        // With a rollout, a deployment about to change is taken out of traffic first.
        const drain = new OnlineTrafficDrain(
            `${name}-drain`,
            {
                endpointId: endpoint.endpointId,
                cloud: args.cloud,
                timeoutSeconds: args.trafficTimeoutSeconds,
                enabled: args.rollout?.enabled ?? false,
                deploymentFingerprints,
            },
            { parent: this, dependsOn: [endpoint] },
        );

        const deployments = declareInSequence(
            args.deployments,
            (spec) => spec.name,
            (spec, dependsOn) =>
                new machinelearningservices.OnlineDeployment(
                    `${name}-${spec.name}`,
                    {
                        ...inWorkspace,
                        endpointName: endpoint.name,
                        deploymentName: spec.name,
                        location: args.location,
                        sku: { name: "Default", capacity: spec.instanceCount },
                        properties: {
                            endpointComputeType: "Managed",
                            // No code configuration and no environment: Azure's no-code MLflow path.
                            model: spec.modelId,
                            instanceType: spec.instanceType,
                            requestSettings: {
                                requestTimeout: isoMilliseconds(spec.requestTimeoutMs),
                                maxConcurrentRequestsPerInstance: spec.maxConcurrentRequestsPerInstance,
                            },
                            livenessProbe: probe(spec.livenessProbe),
                            readinessProbe: probe(spec.readinessProbe),
                            scaleSettings: { scaleType: "Default" },
                            environmentVariables: { ...spec.environmentVariables },
                            appInsightsEnabled: spec.appInsightsEnabled,
                        },
                        tags,
                    },
                    { parent: this, dependsOn: [drain, ...dependsOn] },
                ),
        );

        const deploymentsFingerprint = pulumi
            .all(args.deployments.map((d) => d.modelId))
            .apply((modelIds) =>
                stableHash(
                    args.deployments.map((d, i) => ({ ...d, modelId: modelIds[i] })).sort((a, b) => a.name.localeCompare(b.name)),
                ),
            );
        const scoringUri = endpoint.scoringUri;
        const deploymentNames = args.deployments.map((d) => d.name).sort();
        const gate = args.gateTraffic?.({
            endpointId: endpoint.endpointId,
            scoringUri,
            deploymentNames,
            deployments,
            deploymentsFingerprint,
            deploymentFingerprints,
        });

        const traffic = new OnlineEndpointTraffic(
            `${name}-traffic`,
            {
                endpointId: endpoint.endpointId,
                cloud: args.cloud,
                traffic: args.traffic,
                mirrorTraffic: args.mirrorTraffic,
                authMode: args.authMode,
                timeoutSeconds: args.trafficTimeoutSeconds,
                rollout: args.rollout,
                deploymentFingerprints,
            },
            { parent: this, dependsOn: [endpoint, ...deployments, ...(gate ? [gate] : [])] },
        );

        this.trafficGate = gate;
        this.deploymentFingerprints = deploymentFingerprints;
        this.endpointName = endpoint.name;
        this.endpointId = endpoint.endpointId;
        this.trafficResource = traffic;
        this.servedFingerprint = pulumi
            .all([deploymentsFingerprint, traffic.applied])
            .apply(([deploymentsHash, applied]) => stableHash({ deploymentsHash, applied }));
        this.scoringUri = scoringUri;
        this.swaggerUri = endpoint.swaggerUri.apply((uri) => uri ?? "");
        this.deploymentNames = deploymentNames;
        this.appliedTraffic = traffic.applied.apply(({ traffic: live, mirrorTraffic }) => ({ traffic: live, mirrorTraffic }));
        if (args.authMode === "Key") {
            const keys = machinelearningservices.listOnlineEndpointKeysOutput(
                { ...inWorkspace, endpointName: endpoint.name },
                { parent: this },
            );
            this.primaryKey = pulumi.secret(keys.apply((k) => k.primaryKey ?? ""));
        }
        this.registerOutputs({
            endpointName: this.endpointName,
            scoringUri: this.scoringUri,
            swaggerUri: this.swaggerUri,
            appliedTraffic: this.appliedTraffic,
        });
    }
}
