import { TrafficWeights, wireWeights } from "./trafficWire";

/**
 * Each deployment's fingerprint: a hash of what decides its answers (its model and settings, not
 * its instance count), by deployment name.
 */
export type DeploymentFingerprints = Readonly<Record<string, string>>;

/**
 * The deployments that changed from `before` to `after`: a new fingerprint, or none before (a new
 * deployment). Lower-case, as traffic maps name them.
 */
export function changedDeployments(before: DeploymentFingerprints | undefined, after: DeploymentFingerprints): Set<string> {
    return new Set(
        Object.entries(after)
            .filter(([name, fingerprint]) => before?.[name] !== fingerprint)
            .map(([name]) => name.toLowerCase()),
    );
}

/**
 * `weights` with the `changed` deployments out of live and mirror traffic: each one's live share
 * goes to the deployments that did not change and already have live traffic, in proportion to
 * their weights (largest remainder, so the total stays 100), and mirroring to a changed
 * deployment stops. Only deployments with live traffic take more: they are the ones serving now,
 * sized for it. Undefined when a changed deployment has live traffic and no unchanged one does:
 * taking it away would leave the endpoint without live traffic.
 */
export function trafficWithout(weights: TrafficWeights, changed: ReadonlySet<string>): TrafficWeights | undefined {
    const live = wireWeights(weights.traffic);
    const mirror = wireWeights(weights.mirrorTraffic);
    const freed = Object.entries(live)
        .filter(([name]) => changed.has(name))
        .reduce((sum, [, weight]) => sum + weight, 0);
    const keptLive = Object.fromEntries(Object.entries(live).filter(([name]) => !changed.has(name)));
    const keptMirror = Object.fromEntries(Object.entries(mirror).filter(([name]) => !changed.has(name)));
    if (freed === 0) return { traffic: keptLive, mirrorTraffic: keptMirror };
    const takers = Object.entries(keptLive);
    const kept = takers.reduce((sum, [, weight]) => sum + weight, 0);
    if (kept === 0) return undefined;
    // Largest remainder: every taker gets its proportional share, rounded down, and the points
    // left over go to the largest remainders (ties by name), so the weights stay whole and sum up.
    const shares = takers.map(([name, weight]) => ({ name, exact: (freed * weight) / kept }));
    const given = Object.fromEntries(shares.map(({ name, exact }) => [name, Math.floor(exact)]));
    let left = freed - Object.values(given).reduce((sum, share) => sum + share, 0);
    for (const { name } of [...shares].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || (a.name < b.name ? -1 : 1))) {
        if (left === 0) break;
        given[name] += 1;
        left -= 1;
    }
    return {
        traffic: Object.fromEntries(takers.map(([name, weight]) => [name, weight + given[name]])),
        mirrorTraffic: keptMirror,
    };
}
