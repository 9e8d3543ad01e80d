import type { DeploymentWindow } from "../rollout/rolloutGates";
import { DatabricksClient } from "./databricksClient";

/**
 * A serving endpoint's metrics, read from its export (`GET /api/2.0/serving-endpoints/{name}/metrics`,
 * Prometheus text; metric names from Databricks' metrics-export docs: request_count_total,
 * request_4xx_count_total, request_5xx_count_total, request_latency_ms histogram), labelled by
 * `served_entity_name`. They are counters since the entity started, so a window is the difference
 * of two readings: the sampler reads them every second while a rollout watches.
 */
export interface EntityCounters {
    readonly requests: number;
    readonly errors4xx: number;
    readonly errors5xx: number;
    /** Cumulative latency histogram: upper bound in ms -> requests at or under it. */
    readonly latencyBuckets: Readonly<Record<string, number>>;
}

export type EndpointCounters = Readonly<Record<string, EntityCounters>>;

/** The export's text as counters per served entity. */
export function parseMetricsText(text: string): EndpointCounters {
    const result: Record<string, { requests: number; errors4xx: number; errors5xx: number; latencyBuckets: Record<string, number> }> = {};
    for (const line of text.split("\n")) {
        const match = /^([a-zA-Z_:][\w:]*)\{([^}]*)\}\s+(\S+)/.exec(line.trim());
        if (!match) continue;
        const [, metric, labelText, valueText] = match;
        const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
        const entity = labels.served_entity_name;
        if (!entity) continue;
        const value = Number(valueText);
        const counters = (result[entity] ??= { requests: 0, errors4xx: 0, errors5xx: 0, latencyBuckets: {} });
        if (metric === "request_count_total") counters.requests = value;
        else if (metric === "request_4xx_count_total") counters.errors4xx = value;
        else if (metric === "request_5xx_count_total") counters.errors5xx = value;
        else if (metric === "request_latency_ms_bucket" && labels.le !== undefined) counters.latencyBuckets[labels.le] = value;
    }
    return result;
}

/**
 * A window of one entity from two readings. A model that fails answers 4xx on Databricks (MLflow's
 * scoring server answers 400 for any exception in predict), and the rollout's own load only sends
 * the smoke request, which every healthy model takes: so 4xx and 5xx both count as failures.
 */
export function windowBetween(start: EntityCounters | undefined, end: EntityCounters | undefined): DeploymentWindow {
    if (!end) return { requests: 0, serverErrors: 0 };
    const zero: EntityCounters = { requests: 0, errors4xx: 0, errors5xx: 0, latencyBuckets: {} };
    const from = start ?? zero;
    const requests = Math.max(0, end.requests - from.requests);
    const serverErrors = Math.max(0, end.errors4xx - from.errors4xx + end.errors5xx - from.errors5xx);
    return { requests, serverErrors, p95Ms: percentileOf(from.latencyBuckets, end.latencyBuckets, 0.95) };
}

/** The upper bound of the bucket holding the quantile of the requests between two cumulative histograms. */
function percentileOf(start: Readonly<Record<string, number>>, end: Readonly<Record<string, number>>, quantile: number): number | undefined {
    const bounds = Object.keys(end).sort((a, b) => bound(a) - bound(b));
    const counts = bounds.map((le) => (end[le] ?? 0) - (start[le] ?? 0));
    const total = counts[counts.length - 1] ?? 0;
    if (total <= 0) return undefined;
    const target = quantile * total;
    const index = counts.findIndex((count) => count >= target);
    const le = bounds[index];
    return le === "+Inf" ? bound(bounds[bounds.length - 2] ?? "0") : bound(le);
}

const bound = (le: string) => (le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le));

/** Reads the export every `intervalMs` while running; a window is then the readings nearest its ends. */
export class MetricsSampler {
    // Set in the constructor, not as field initializers: Pulumi serializes a dynamic provider's
    // classes from their constructor's text, and initialized class fields would be lost.
    private readonly readings: { at: number; counters: EndpointCounters }[];
    private running: boolean;
    private loop?: Promise<void>;

    constructor(
        private readonly client: DatabricksClient,
        private readonly endpoint: string,
        private readonly intervalMs = 1000,
    ) {
        this.readings = [];
        this.running = false;
    }

    start(): void {
        this.running = true;
        this.loop = (async () => {
            while (this.running) {
                await this.sample();
                await this.client.sleep(this.intervalMs);
            }
        })();
    }

    async stop(): Promise<void> {
        this.running = false;
        await this.loop;
    }

    /** One entity's requests, failures and p95 between two instants (read again at `to` if no reading is that late yet). */
    async measure(entity: string, from: Date, to: Date): Promise<DeploymentWindow> {
        if (!this.readings.some((r) => r.at >= to.getTime())) await this.sample();
        const start = [...this.readings].reverse().find((r) => r.at <= from.getTime()) ?? this.readings[0];
        const end = this.readings.find((r) => r.at >= to.getTime()) ?? this.readings[this.readings.length - 1];
        return windowBetween(start?.counters[entity], end?.counters[entity]);
    }

    private async sample(): Promise<void> {
        const text = await this.client.text(`/api/2.0/serving-endpoints/${encodeURIComponent(this.endpoint)}/metrics`);
        this.readings.push({ at: this.client.now, counters: parseMetricsText(text) });
    }
}
