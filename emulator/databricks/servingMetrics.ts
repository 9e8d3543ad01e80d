/** Latency buckets of `request_latency_ms`, in milliseconds (the emulator's choice; +Inf is added). */
export const latencyBucketsMs = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/**
 * What one served entity's server answered since it started: requests, 4xx and 5xx answers, and
 * a latency histogram, counted as a Prometheus counter and histogram are (never reset while the
 * server runs; a new server of the entity starts from zero, as a restarted exporter does).
 */
export class EntityStats {
    requests = 0;
    errors4xx = 0;
    errors5xx = 0;
    /** Requests at or under each bound of `latencyBucketsMs` (cumulative, as `le` buckets are). */
    readonly buckets = latencyBucketsMs.map(() => 0);
    latencySumMs = 0;

    record(status: number, latencyMs: number): void {
        this.requests++;
        if (status >= 400 && status < 500) this.errors4xx++;
        // No answer at all (status 0) counts as a server error.
        if (status >= 500 || status === 0) this.errors5xx++;
        latencyBucketsMs.forEach((bound, i) => {
            if (latencyMs <= bound) this.buckets[i]++;
        });
        this.latencySumMs += latencyMs;
    }
}

/**
 * An endpoint's `/metrics` answer in Prometheus text exposition format (version 0.0.4), one series
 * per served entity of its live config, labelled `served_entity_name`. The metric names are those
 * of Databricks' metrics-export page (request count, 4xx and 5xx counts, latency); the per-entity
 * label and the histogram buckets are the emulator's choice (unverified against a workspace).
 */
export function metricsText(entities: readonly { readonly name: string; readonly stats: EntityStats }[]): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, value: (s: EntityStats) => number) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
        for (const e of entities) lines.push(`${name}{${label(e.name)}} ${value(e.stats)}`);
    };
    counter("request_count_total", "Requests the served entity answered.", (s) => s.requests);
    counter("request_4xx_count_total", "Requests the served entity answered with a 4xx status.", (s) => s.errors4xx);
    counter("request_5xx_count_total", "Requests the served entity answered with a 5xx status or not at all.", (s) => s.errors5xx);
    lines.push("# HELP request_latency_ms Round-trip latency of the served entity's answers, in milliseconds.", "# TYPE request_latency_ms histogram");
    for (const e of entities) {
        latencyBucketsMs.forEach((bound, i) => lines.push(`request_latency_ms_bucket{${label(e.name)},le="${bound}"} ${e.stats.buckets[i]}`));
        lines.push(`request_latency_ms_bucket{${label(e.name)},le="+Inf"} ${e.stats.requests}`);
        lines.push(`request_latency_ms_sum{${label(e.name)}} ${e.stats.latencySumMs}`);
        lines.push(`request_latency_ms_count{${label(e.name)}} ${e.stats.requests}`);
    }
    return `${lines.join("\n")}\n`;
}

function label(entity: string): string {
    return `served_entity_name="${entity.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
