/**
 * Traffic maps as Azure takes and keeps them. Azure lower-cases deployment names in `traffic` and
 * `mirrorTraffic`, and refuses a deployment present in both maps, even at 0% live ("a deployment
 * can receive only live traffic or mirrored traffic, not both"). The azure-ai-ml SDK does the same
 * before every PUT (`_strip_zeroes_from_traffic`): zero weights are dropped, names lower-cased.
 */
export type Weights = Readonly<Record<string, number>>;

/** The map Azure is sent and reports back: no zero weights, lower-case names. */
export function wireWeights(weights: unknown): Record<string, number> {
    if (typeof weights !== "object" || weights === null) return {};
    return Object.fromEntries(
        Object.entries(weights as Record<string, unknown>)
            .map(([name, weight]): [string, number] => [name.toLowerCase(), Number(weight)])
            .filter(([, weight]) => weight !== 0)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
}

/** Whether two weight maps route the same, whatever their zero entries, name case and key order. */
export function sameWeights(a: unknown, b: unknown): boolean {
    return JSON.stringify(wireWeights(a)) === JSON.stringify(wireWeights(b));
}

/** Endpoint properties whose values are weight maps. */
export const weightProperties: readonly string[] = ["traffic", "mirrorTraffic"];

/** An endpoint's live and mirror weights. */
export interface TrafficWeights {
    /** Percent of live traffic per deployment. */
    readonly traffic: Weights;
    /** Percent of live traffic copied to a deployment. */
    readonly mirrorTraffic: Weights;
}

/** The live and mirror weights of an endpoint's properties (or of settings), as Azure keeps them. */
export function weightsOf(properties: { readonly traffic?: unknown; readonly mirrorTraffic?: unknown }): TrafficWeights {
    return { traffic: wireWeights(properties.traffic), mirrorTraffic: wireWeights(properties.mirrorTraffic) };
}

/** Whether both the live and the mirror weights route the same. */
export function sameTrafficWeights(a: TrafficWeights, b: TrafficWeights): boolean {
    return sameWeights(a.traffic, b.traffic) && sameWeights(a.mirrorTraffic, b.mirrorTraffic);
}

/** The live and mirror weights, as a line of a report: `traffic {"blue":90,"green":10}, mirror {"green":10}`. */
export function describeWeights(weights: TrafficWeights): string {
    const mirror = wireWeights(weights.mirrorTraffic);
    return `traffic ${JSON.stringify(wireWeights(weights.traffic))}${Object.keys(mirror).length ? `, mirror ${JSON.stringify(mirror)}` : ""}`;
}
