import { RequestRecord } from "../inference/localRouter";

/**
 * Azure Monitor's metrics API (`GET {resource}/providers/Microsoft.Insights/metrics`) for an online
 * endpoint, computed from the local router's request log: the metrics Azure publishes for
 * `Microsoft.MachineLearningServices/workspaces/onlineEndpoints`, 1-minute buckets aligned on the
 * minute, points whose minute overlaps the timespan (as Azure does), and Azure's refusals of an
 * unknown metric, aggregation, dimension or grain.
 */
const metricNamespace = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";

interface MetricDefinition {
    readonly unit: string;
    readonly aggregations: readonly string[];
    readonly dimensions: readonly string[];
    /** The value of one bucket's records for the aggregation asked, undefined when it has none. */
    readonly value: (records: readonly RequestRecord[]) => number | undefined;
}

const percentile = (p: number) => (records: readonly RequestRecord[]) => {
    if (records.length === 0) return undefined;
    const sorted = records.map((r) => r.latencyMs).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const latencyMetric = (p: number): MetricDefinition => ({ unit: "MilliSeconds", aggregations: ["Average"], dimensions: ["deployment"], value: percentile(p) });

/** Azure's published online endpoint metrics (the ones a router can compute; the rest are listed as known). */
const metrics: Record<string, MetricDefinition | undefined> = {
    RequestsPerMinute: {
        unit: "Count",
        aggregations: ["Total", "Average"],
        dimensions: ["deployment", "statusCode", "statusCodeClass", "modelStatusCode"],
        value: (records) => records.length,
    },
    RequestLatency: { unit: "MilliSeconds", aggregations: ["Average"], dimensions: ["deployment"], value: (r) => (r.length ? r.reduce((s, x) => s + x.latencyMs, 0) / r.length : undefined) },
    RequestLatency_P50: latencyMetric(50),
    RequestLatency_P90: latencyMetric(90),
    RequestLatency_P95: latencyMetric(95),
    RequestLatency_P99: latencyMetric(99),
};
const knownWithoutData = ["ConnectionsActive", "NewConnectionsPerSecond", "NetworkBytes"];

const grains: Record<string, number> = { PT1M: 1, PT5M: 5, PT15M: 15, PT30M: 30, PT1H: 60 };

export interface MetricsAnswer {
    readonly status: number;
    readonly body: unknown;
}

function dimensionValue(record: RequestRecord, dimension: string): string {
    switch (dimension) {
        case "deployment":
            return record.deployment;
        case "statusCode":
        case "modelStatusCode":
            return String(record.status);
        default:
            return record.status === 0 ? "0xx" : `${String(record.status)[0]}xx`;
    }
}

export function metricsAnswer(resourceId: string, query: URLSearchParams, log: readonly RequestRecord[]): MetricsAnswer {
    const refuse = (code: string, message: string): MetricsAnswer => ({ status: 400, body: { code, message } });
    const names = (query.get("metricnames") ?? "").split(",").filter((n) => n !== "");
    if (names.length === 0) return refuse("BadRequest", "metricnames is required");
    const interval = query.get("interval") ?? "PT1M";
    const grain = grains[interval.toUpperCase()];
    if (grain === undefined) return refuse("BadRequest", `Invalid interval ${interval}: the grains for this resource are ${Object.keys(grains).join(", ")}`);
    const timespan = (query.get("timespan") ?? "").split("/").map((t) => Date.parse(t));
    if (timespan.length !== 2 || timespan.some(Number.isNaN) || timespan[0] >= timespan[1]) {
        return refuse("BadRequest", `Invalid timespan ${query.get("timespan")}: expected <start>/<end> in ISO 8601`);
    }
    const aggregation = query.get("aggregation") ?? "Average";
    const filters = parseFilter(query.get("$filter"));
    if (filters === undefined) return refuse("BadRequest", `Invalid $filter ${query.get("$filter")}: expected <dimension> eq '<value>' joined by and`);

    const value = [];
    for (const name of names) {
        const metric = metrics[name];
        if (!metric && !knownWithoutData.includes(name)) {
            return refuse("BadRequest", `Failed to find metric configuration for provider: Microsoft.MachineLearningServices, resource Type: workspaces/onlineEndpoints, metric: ${name}, Valid metrics: ${[...Object.keys(metrics), ...knownWithoutData].join(",")}`);
        }
        if (metric && !metric.aggregations.includes(aggregation)) return refuse("BadRequest", `Aggregation ${aggregation} is not supported for ${name}; supported: ${metric.aggregations.join(", ")}`);
        const unknownDimension = filters.find((f) => !(metric?.dimensions ?? []).includes(f.dimension));
        if (unknownDimension) return refuse("BadRequest", `Metric ${name} has no dimension ${unknownDimension.dimension}`);
        value.push({
            id: `${resourceId}/providers/Microsoft.Insights/metrics/${name}`,
            type: "Microsoft.Insights/metrics",
            name: { value: name, localizedValue: name },
            unit: metric?.unit ?? "Count",
            timeseries: metric ? timeseries(metric, aggregation, filters, log, timespan as [number, number], grain) : [],
            errorCode: "Success",
        });
    }
    return {
        status: 200,
        body: { cost: 0, timespan: query.get("timespan"), interval: interval.toUpperCase(), value, namespace: metricNamespace, resourceregion: "local" },
    };
}

interface DimensionFilter {
    readonly dimension: string;
    /** "*": split by this dimension. */
    readonly value: string;
}

function parseFilter(filter: string | null): DimensionFilter[] | undefined {
    if (!filter) return [];
    const parts = filter.split(/\s+and\s+/i).map((part) => /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/i.exec(part));
    if (parts.some((p) => p === null)) return undefined;
    return parts.map((p) => ({ dimension: p![1], value: p![2] }));
}

function timeseries(
    metric: MetricDefinition,
    aggregation: string,
    filters: readonly DimensionFilter[],
    log: readonly RequestRecord[],
    [start, end]: [number, number],
    grainMinutes: number,
) {
    const grainMs = grainMinutes * 60_000;
    const first = Math.floor(start / grainMs) * grainMs;
    const matching = log.filter((r) => r.at >= first && r.at < end && filters.every((f) => f.value === "*" || dimensionValue(r, f.dimension).toLowerCase() === f.value.toLowerCase()));
    const split = filters.filter((f) => f.value === "*").map((f) => f.dimension);
    const series = new Map<string, RequestRecord[]>();
    for (const record of matching) {
        const key = JSON.stringify(split.map((d) => dimensionValue(record, d)));
        series.set(key, [...(series.get(key) ?? []), record]);
    }
    if (split.length === 0 && series.size === 0) series.set("[]", []);
    const field = aggregation.toLowerCase();
    return [...series.entries()].map(([key, records]) => {
        const values = JSON.parse(key) as string[];
        const data = [];
        for (let bucket = first; bucket < end; bucket += grainMs) {
            const inBucket = records.filter((r) => r.at >= bucket && r.at < bucket + grainMs);
            const computed = metric.value(inBucket);
            const point: Record<string, unknown> = { timeStamp: new Date(bucket).toISOString() };
            if (computed !== undefined) point[field] = aggregation === "Average" && metric.unit === "Count" ? computed / grainMinutes : computed;
            data.push(point);
        }
        return { metadatavalues: split.map((d, i) => ({ name: { value: d, localizedValue: d }, value: values[i] })), data };
    });
}
