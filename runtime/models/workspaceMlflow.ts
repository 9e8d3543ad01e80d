import type { TokenCredential } from "@azure/identity";
import { AzureCloud, armEndpointVariable, resourceManagerScope, resourceManagerUrl } from "../arm/clouds";

/**
 * The HTTPS base of a workspace's MLflow REST API from its `mlFlowTrackingUri`
 * (`azureml://<region>.api.azureml.ms/mlflow/v1.0/<workspace id>`, which the azureml-mlflow plugin
 * turns into `https://<region>.api.azureml.ms/mlflow/v1.0/<workspace id>`); with the Resource
 * Manager URL overridden (the local Azure), the same path under it.
 */
export function mlflowRestBase(trackingUri: string, cloud: AzureCloud, env: NodeJS.ProcessEnv = process.env): string {
    const match = /^azureml:\/\/([^/]+)(\/mlflow\/v1\.0\/.+)$/.exec(trackingUri.trim());
    if (!match) throw new Error(`${trackingUri} is not an Azure ML tracking URI (azureml://<host>/mlflow/v1.0/<workspace id>)`);
    return env[armEndpointVariable]?.trim() ? `${resourceManagerUrl(cloud, env)}${match[2]}` : `https://${match[1]}${match[2]}`;
}

/**
 * The path an `mlflow-artifacts:` URI names under the tracking server's artifact root
 * (`mlflow-artifacts:/<p>` or `mlflow-artifacts://<host>/<p>`), without leading or trailing
 * slashes; undefined for any other URI.
 */
export function mlflowArtifactsPath(uri: string): string | undefined {
    const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.+)$/.exec(uri.trim());
    return match ? match[1].replace(/\/+$/, "") : undefined;
}

/** An MLflow run's `info` (run_id, experiment_id, artifact_uri, status), or undefined when the workspace has no such run. */
export async function getRun(base: string, runId: string, cloud: AzureCloud, credential: TokenCredential): Promise<Record<string, any> | undefined> {
    const token = await credential.getToken(resourceManagerScope(cloud));
    const answer = await fetch(`${base}/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`, {
        headers: { Authorization: `Bearer ${token!.token}` },
        // The first call to a workspace's MLflow may wait for its server to start.
        signal: AbortSignal.timeout(300_000),
    });
    const body = (await answer.json().catch(() => ({}))) as Record<string, any>;
    if (answer.status === 404 || body.error_code === "RESOURCE_DOES_NOT_EXIST") return undefined;
    if (!answer.ok) throw new Error(`the workspace's MLflow answered ${answer.status} for run ${runId}: ${body.message ?? ""}`);
    return body.run?.info;
}
