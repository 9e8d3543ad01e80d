/**
 * The deployment a request goes to under percentage weights, given a uniform random number in
 * [0, 1). Undefined when every weight is 0: Azure then answers 404 ("no valid deployments to
 * route to"). Deployments are taken in name order so the same number always picks the same one.
 */
export function chooseDeployment(weights: Readonly<Record<string, number>>, random: number): string | undefined {
    const entries = Object.entries(weights)
        .filter(([, weight]) => weight > 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    if (total === 0) return undefined;
    let point = random * total;
    for (const [name, weight] of entries) {
        if (point < weight) return name;
        point -= weight;
    }
    return entries[entries.length - 1][0];
}

/** Whether a request is mirrored, for a mirror percentage and a uniform random number in [0, 1). */
export function mirrors(percent: number, random: number): boolean {
    return random * 100 < percent;
}
