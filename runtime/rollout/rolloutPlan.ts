import { TrafficWeights, weightsOf, wireWeights } from "../endpoints/trafficWire";

/**
 * The stages of a progressive rollout, computed from the weights live now and the declared ones.
 * Pure arithmetic: rolloutRunner.ts applies the stages and judges each.
 */
export interface RolloutStage {
    /** "mirror 10%", "step 10%", "declared 100%": for reports. */
    readonly label: string;
    readonly weights: TrafficWeights;
    /** Whether the new deployment gets live traffic in this stage (false: mirrored copies only). */
    readonly live: boolean;
}

export interface RolloutPlan {
    /** The deployment whose live weight grows. */
    readonly canary: string;
    /** The deployment it is compared with: the one with the most live traffic at the start. */
    readonly baseline: string;
    /** Where the rollout starts: the live weights, or, for an endpoint with no traffic yet, the baseline at the canary's share. */
    readonly start: TrafficWeights;
    readonly stages: readonly RolloutStage[];
}

export interface RolloutSteps {
    readonly steps: readonly number[];
    readonly mirrorPercent?: number;
}

/**
 * The rollout from `live` to `declared`, or undefined when there is nothing to roll out: no
 * deployment's live weight grows, more than one does (no single new deployment to watch), or the
 * endpoint gets its first live traffic with a single deployment (nothing to compare or fall back to).
 */
export function planRollout(live: TrafficWeights, declared: TrafficWeights, options: RolloutSteps): RolloutPlan | undefined {
    const target = weightsOf(declared);
    let start: TrafficWeights = weightsOf(live);
    if (Object.keys(start.traffic).length === 0) {
        // A new endpoint: the deployment with the smallest declared share is the new one; the
        // one with the largest takes everything until the new one has proven itself.
        const ranked = Object.entries(target.traffic).sort(([a, x], [b, y]) => x - y || a.localeCompare(b));
        if (ranked.length < 2) return undefined;
        start = { traffic: { [ranked[ranked.length - 1][0]]: 100 }, mirrorTraffic: {} };
    }
    const growing = Object.keys(target.traffic).filter((d) => target.traffic[d] > (start.traffic[d] ?? 0));
    if (growing.length !== 1) return undefined;
    const canary = growing[0];
    const baseline = Object.entries(start.traffic)
        .filter(([d]) => d !== canary)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
    if (baseline === undefined) return undefined;

    const from = start.traffic[canary] ?? 0;
    const to = target.traffic[canary];
    const stages: RolloutStage[] = [];
    if (options.mirrorPercent !== undefined && from === 0) {
        stages.push({
            label: `mirror ${options.mirrorPercent}%`,
            live: false,
            weights: { traffic: start.traffic, mirrorTraffic: { [canary]: options.mirrorPercent } },
        });
    }
    for (const step of [...new Set(options.steps)].sort((a, b) => a - b)) {
        if (step <= from || step >= to) continue;
        const traffic = withShare(start.traffic, canary, step);
        stages.push({ label: `step ${step}%`, live: true, weights: { traffic, mirrorTraffic: mirrorsWithout(target.mirrorTraffic, traffic) } });
    }
    stages.push({ label: `declared ${to}%`, live: true, weights: target });
    return { canary, baseline, start, stages };
}

/** `weights` with `deployment` at `share`, the others scaled to the rest (whole percents, largest remainders first). */
function withShare(weights: Readonly<Record<string, number>>, deployment: string, share: number): Record<string, number> {
    const others = Object.entries(weights).filter(([d]) => d !== deployment);
    const total = others.reduce((sum, [, w]) => sum + w, 0);
    const rest = 100 - share;
    const exact = others.map(([d, w]) => ({ d, value: (w * rest) / total }));
    const result: Record<string, number> = { [deployment]: share };
    for (const { d, value } of exact) result[d] = Math.floor(value);
    let missing = rest - exact.reduce((sum, { d }) => sum + result[d], 0);
    for (const { d } of [...exact].sort((a, b) => (b.value % 1) - (a.value % 1) || a.d.localeCompare(b.d))) {
        if (missing-- <= 0) break;
        result[d] += 1;
    }
    return wireWeights(result);
}

/** Azure refuses a mirror to a deployment with live traffic: such mirrors wait for the last stage. */
function mirrorsWithout(mirrors: Readonly<Record<string, number>>, traffic: Readonly<Record<string, number>>): Record<string, number> {
    return Object.fromEntries(Object.entries(mirrors).filter(([d]) => !(traffic[d] > 0)));
}
