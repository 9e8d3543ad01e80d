import { TrafficWeights, sameTrafficWeights, wireWeights } from "./trafficWire";

/**
 * Each deployment's fingerprint: a hash of what decides its answers (its model, environment
 * variables, instance type and request timeout; not its capacity, probes or logging), by name.
 */
export type DeploymentFingerprints = Readonly<Record<string, string>>;

/**
 * The deployments that changed from `before` to `after`: a new fingerprint, or none before (a new
 * deployment). Lower-case, as traffic maps name them. Without any `before` (a state written before
 * fingerprints were recorded, or a first run) nothing is known to have changed: the set is empty.
 */
export function changedDeployments(before: DeploymentFingerprints | undefined, after: DeploymentFingerprints): Set<string> {
    if (before === undefined) return new Set();
    return new Set(
        Object.entries(after)
            .filter(([name, fingerprint]) => before[name] !== fingerprint)
            .map(([name]) => name.toLowerCase()),
    );
}

export interface TrafficWithout {
    /** The weights with every changed deployment out of mirror traffic, and out of live traffic where possible. */
    readonly weights: TrafficWeights;
    /** Changed deployments that had live or mirror traffic and have none now. */
    readonly takenOut: string[];
    /** Changed deployments that keep their live share: no unchanged deployment serves to take it. */
    readonly keptLive: string[];
}

/**
 * `weights` with the `changed` deployments out of live and mirror traffic: mirroring to a changed
 * deployment stops, and each one's live share goes to the unchanged deployments that already have
 * live traffic, in proportion to their weights (largest remainder, so the total stays 100). Only
 * deployments that serve take more (a deployment at 0% may be a canary nobody has judged). When no
 * unchanged deployment serves, the changed ones keep their live share (`keptLive`): taking it away
 * would leave the endpoint without live traffic.
 */
export function trafficWithout(weights: TrafficWeights, changed: ReadonlySet<string>): TrafficWithout {
    const live = wireWeights(weights.traffic);
    const mirror = wireWeights(weights.mirrorTraffic);
    const mirrorTraffic = Object.fromEntries(Object.entries(mirror).filter(([name]) => !changed.has(name)));
    const mirrorsStopped = Object.keys(mirror).filter((name) => changed.has(name));
    const freed = Object.entries(live).filter(([name]) => changed.has(name));
    const takers = Object.entries(live).filter(([name]) => !changed.has(name));
    const kept = takers.reduce((sum, [, weight]) => sum + weight, 0);
    if (freed.length === 0) return { weights: { traffic: live, mirrorTraffic }, takenOut: mirrorsStopped.sort(), keptLive: [] };
    if (kept === 0) return { weights: { traffic: live, mirrorTraffic }, takenOut: mirrorsStopped.sort(), keptLive: freed.map(([name]) => name).sort() };
    const total = freed.reduce((sum, [, weight]) => sum + weight, 0);
    // Largest remainder: every taker gets its proportional share, rounded down, and the points
    // left over go to the largest remainders (ties by name), so the weights stay whole and sum up.
    const shares = takers.map(([name, weight]) => ({ name, exact: (total * weight) / kept }));
    const given = Object.fromEntries(shares.map(({ name, exact }) => [name, Math.floor(exact)]));
    let left = total - Object.values(given).reduce((sum, share) => sum + share, 0);
    for (const { name } of [...shares].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || (a.name < b.name ? -1 : 1))) {
        if (left === 0) break;
        given[name] += 1;
        left -= 1;
    }
    const takenOut = [...new Set([...freed.map(([name]) => name), ...mirrorsStopped])].sort();
    return { weights: { traffic: Object.fromEntries(takers.map(([name, weight]) => [name, weight + given[name]])), mirrorTraffic }, takenOut, keptLive: [] };
}

/** What the drain does before changed deployments update (with a rollout). */
export interface DrainDecision {
    /** The weights to apply; undefined: the traffic stays as it is. */
    readonly target?: TrafficWeights;
    /** Changed deployments with live traffic now. */
    readonly serving: string[];
    /** Why nothing is drained, when a changed deployment serves and keeps its traffic. */
    readonly keptLiveBecause?: "several" | "alone";
    readonly keptLive: string[];
}

/**
 * The drain's decision, for the drain provider and for the preview that tells it: the changed
 * deployments out of live and mirror traffic, unless more than one of them serves (a rollout
 * gives traffic back to one deployment at a time) or no unchanged deployment serves to take it.
 */
export function drainDecision(live: TrafficWeights, changed: ReadonlySet<string>): DrainDecision {
    const serving = [...changed].filter((name) => (wireWeights(live.traffic)[name] ?? 0) > 0).sort();
    if (serving.length > 1) return { serving, keptLiveBecause: "several", keptLive: serving };
    const { weights, keptLive } = trafficWithout(live, changed);
    if (keptLive.length > 0) return { serving, keptLiveBecause: "alone", keptLive };
    return { serving, keptLive: [], ...(!sameTrafficWeights(weights, live) && { target: weights }) };
}
