import { ArmClient } from "../arm/armClient";
import type { DeploymentWindow } from "../rollout/rolloutGates";

/**
 * An online deployment's requests, server errors and p95 latency over a window, from Azure
 * Monitor's metrics API through Resource Manager (`{endpointId}/providers/Microsoft.Insights/
 * metrics`), with the platform's credential. The names are Azure's published metrics for
 * `Microsoft.MachineLearningServices/workspaces/onlineEndpoints` (RequestsPerMinute by
 * deployment and statusCode; RequestLatency_P95 by deployment), at Azure's 1-minute grain:
 * a window shorter than a minute sees the whole minutes it overlaps. A failed request is a 5xx or
 * a 424: Azure answers 424 when the model's own server failed (its status in a header), so a
 * model raising exceptions shows there, not among the 5xx of statusCodeClass.
 *
 * Why not @azure/monitor-query-metrics: it queries the regional batch endpoint
 * (metrics.monitor.azure.com) rather than Resource Manager, so it needs its own credential scope
 * and endpoint per cloud; one GET per metric through the ARM client the traffic resource already
 * uses (retries, clouds, credential) is all the rollout needs.
 */
export const metricsApiVersion = "2023-10-01";
export const requestsMetric = "RequestsPerMinute";
export const latencyP95Metric = "RequestLatency_P95";

export async function deploymentWindow(arm: ArmClient, endpointId: string, deployment: string, from: Date, to: Date): Promise<DeploymentWindow> {
    const timespan = `${from.toISOString()}/${to.toISOString()}`;
    const query = (metric: string, aggregation: string, filter: string) =>
        `${endpointId}/providers/Microsoft.Insights/metrics?metricnames=${metric}&aggregation=${aggregation}&interval=PT1M` +
        `&timespan=${encodeURIComponent(timespan)}&$filter=${encodeURIComponent(filter)}`;
    const deploymentIs = `deployment eq '${deployment}'`;
    const [requests, latency] = await Promise.all([
        arm.get(query(requestsMetric, "Total", `${deploymentIs} and statusCode eq '*'`)),
        arm.get(query(latencyP95Metric, "Average", deploymentIs)),
    ]);
    let total = 0;
    let serverErrors = 0;
    for (const series of metricSeries(requests, requestsMetric)) {
        const count = sum(series.data, "total");
        total += count;
        if (isFailure(Number(dimension(series, "statusCode")))) serverErrors += count;
    }
    // The worst minute's p95: the windows a rollout judges are a few minutes at most.
    const p95s = metricSeries(latency, latencyP95Metric).flatMap((s) => (s.data ?? []).map((d) => d.average).filter((v): v is number => typeof v === "number"));
    return { requests: total, serverErrors, p95Ms: p95s.length > 0 ? Math.max(...p95s) : undefined };
}

/** A server error, or Azure's "the model failed" (424). */
export function isFailure(status: number): boolean {
    return status >= 500 || status === 424 || status === 0;
}

interface Series {
    readonly metadatavalues?: { name?: { value?: string }; value?: string }[];
    readonly data?: { total?: number; average?: number }[];
}

function metricSeries(answer: Record<string, any>, metric: string): Series[] {
    const found = (answer.value as { name?: { value?: string }; timeseries?: Series[] }[] | undefined)?.find((m) => m.name?.value === metric);
    if (!found) throw new Error(`Azure Monitor's answer has no ${metric} metric`);
    return found.timeseries ?? [];
}

function dimension(series: Series, name: string): string | undefined {
    return series.metadatavalues?.find((m) => m.name?.value?.toLowerCase() === name.toLowerCase())?.value;
}

function sum(points: Series["data"], field: "total"): number {
    return (points ?? []).reduce((s, p) => s + (p[field] ?? 0), 0);
}
