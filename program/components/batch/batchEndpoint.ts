import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { isoSeconds } from "../compute/computeCluster";
import { AzureMlEndpoint } from "../endpoint/azureMlEndpoint";
import { BatchEndpointDefault } from "../endpointSettings/batchEndpointDefault";
import { declareInSequence } from "../sequence";

export interface BatchDeploymentSpec {
    /** Deployment name: the stable key of its resource. */
    readonly name: string;
    /** ARM id of the registered model version it scores with. */
    readonly modelId: pulumi.Input<string>;
    /** ARM id of the compute cluster it runs on. */
    readonly computeId: pulumi.Input<string>;
    readonly instanceCount: number;
    readonly maxConcurrencyPerInstance: number;
    /** Files per mini-batch. */
    readonly miniBatchSize: number;
    readonly outputAction: "AppendRow" | "SummaryOnly";
    /** e.g. predictions.csv (with AppendRow: columns row, prediction, file_name). */
    readonly outputFileName: string;
    readonly retrySettings: { readonly maxRetries: number; readonly timeoutSeconds: number };
    /** Failures tolerated before the job fails; -1 ignores them. */
    readonly errorThreshold: number;
    readonly loggingLevel: "Info" | "Warning" | "Debug";
    readonly environmentVariables: Readonly<Record<string, string>>;
}

export interface BatchEndpointArgs {
    /** ARM id of the workspace. */
    readonly workspaceId: pulumi.Input<string>;
    readonly workspaceName: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    /** Azure name of the endpoint (unique in its region). */
    readonly endpointName: pulumi.Input<string>;
    readonly deployments: readonly BatchDeploymentSpec[];
    /** The deployment jobs go to by default (validated to be one of `deployments`). */
    readonly defaultDeployment: string;
    readonly cloud: AzureCloud;
    readonly defaultTimeoutSeconds: number;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * A batch endpoint with model deployments on the compute cluster, in the order Azure demands:
 * 1. the endpoint (Entra auth, the only mode batch endpoints take), owned by this program's own
 *    resource (program/components/endpoint/): created without defaults, updated by GET-merge-PUT, so no
 *    update, azure-native upgrade or refresh clears its default deployment;
 * 2. the deployments, one after another;
 * 3. the default deployment, by a `BatchEndpointDefault` resource depending on every deployment.
 * Named after the endpoint (`batch-<endpoint name in config>`), so a rename is a new endpoint beside
 * the old one, which keeps its default until the end of the update.
 */
export class BatchEndpoint extends pulumi.ComponentResource {
    public readonly endpointName: pulumi.Output<string>;
    public readonly endpointId: pulumi.Output<string>;
    /** Where jobs are submitted: `https://<endpoint>.<region>.inference.ml.azure.com/jobs`. */
    public readonly scoringUri: pulumi.Output<string>;
    public readonly deploymentNames: string[];
    public readonly defaultResource: BatchEndpointDefault;

    constructor(name: string, args: BatchEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azureml-mlflow:batch:BatchEndpoint", name, {}, opts);
        const inWorkspace = { workspaceName: args.workspaceName, resourceGroupName: args.resourceGroupName };
        const tags = { ...args.tags };
        const authMode = "AADToken";

        const endpoint = new AzureMlEndpoint(
            `${name}-endpoint`,
            "batch",
            {
                workspaceId: args.workspaceId,
                endpointName: args.endpointName,
                location: args.location,
                cloud: args.cloud,
                properties: { authMode },
                tags,
                timeoutSeconds: args.defaultTimeoutSeconds,
            },
            { parent: this },
        );

        const deployments = declareInSequence(
            args.deployments,
            (spec) => spec.name,
            (spec, dependsOn) =>
                new machinelearningservices.BatchDeployment(
                    `${name}-${spec.name}`,
                    {
                        ...inWorkspace,
                        endpointName: endpoint.name,
                        deploymentName: spec.name,
                        location: args.location,
                        properties: {
                            // No code configuration and no environment: Azure's no-code MLflow batch scoring.
                            model: { referenceType: "Id", assetId: spec.modelId },
                            compute: spec.computeId,
                            resources: { instanceCount: spec.instanceCount },
                            maxConcurrencyPerInstance: spec.maxConcurrencyPerInstance,
                            miniBatchSize: spec.miniBatchSize,
                            outputAction: spec.outputAction,
                            outputFileName: spec.outputFileName,
                            retrySettings: {
                                maxRetries: spec.retrySettings.maxRetries,
                                timeout: isoSeconds(spec.retrySettings.timeoutSeconds),
                            },
                            errorThreshold: spec.errorThreshold,
                            loggingLevel: spec.loggingLevel,
                            environmentVariables: { ...spec.environmentVariables },
                        },
                        tags,
                    },
                    { parent: this, dependsOn },
                ),
        );

        this.defaultResource = new BatchEndpointDefault(
            `${name}-default`,
            {
                endpointId: endpoint.endpointId,
                cloud: args.cloud,
                deploymentName: args.defaultDeployment,
                timeoutSeconds: args.defaultTimeoutSeconds,
            },
            { parent: this, dependsOn: [endpoint, ...deployments] },
        );

        this.endpointName = endpoint.name;
        this.endpointId = endpoint.endpointId;
        this.scoringUri = endpoint.scoringUri;
        this.deploymentNames = args.deployments.map((d) => d.name).sort();
        this.registerOutputs({ endpointName: this.endpointName, scoringUri: this.scoringUri });
    }
}
