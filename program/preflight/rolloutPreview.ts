import { OnlineEndpointConfig } from "../../config/schema";
import { TrafficWeights, sameTrafficWeights, weightsOf } from "../../runtime/endpoints/trafficWire";
import { trafficWithout } from "../../runtime/endpoints/trafficAway";
import { planRollout } from "../../runtime/rollout/rolloutPlan";

/** One stage of traffic the `up` will apply, in order. */
export interface TrafficStage {
    /** "drain blue", "mirror 10%", "step 10%", "declared 50%", "declared". */
    readonly label: string;
    readonly weights: TrafficWeights;
    /** Seconds the stage is watched on the endpoint's metrics before the next (rollout stages). */
    readonly watchSeconds?: number;
}

/** What `up` will do to the endpoint's traffic, from what is live now. */
export interface RolloutPreview {
    readonly endpoint: string;
    /** Live weights now; undefined: the endpoint does not exist yet. */
    readonly live?: TrafficWeights;
    readonly declared: TrafficWeights;
    /** unchanged: no traffic moves; one step: the declared weights at once; progressive: watched steps. */
    readonly mode: "unchanged" | "one step" | "progressive";
    /** The deployment whose live weight grows, and the one it is judged against (progressive). */
    readonly canary?: string;
    readonly baseline?: string;
    readonly stages: readonly TrafficStage[];
    /** Deployments whose model or settings change in place: they lose their live share while they update. */
    readonly changedInPlace: readonly string[];
    /** Seconds the watched stages take when every window passes at once (stages x stepSeconds). */
    readonly shortestSeconds?: number;
    /** ...and when each waits the whole metrics delay for its requests to be readable (a held window adds more). */
    readonly longestSeconds?: number;
}

/**
 * The stages the update walks, computed by the same code the traffic resource runs
 * (runtime/rollout/rolloutPlan.ts, runtime/endpoints/trafficAway.ts): first the deployments that
 * change in place are drained (their share to the unchanged ones that serve), then either the
 * rollout's watched steps, when one deployment's live weight grows and a rollout is configured, or
 * the declared weights in one step.
 */
export function previewRollout(online: OnlineEndpointConfig, live: TrafficWeights | undefined, changedInPlace: readonly string[]): RolloutPreview {
    const declared = weightsOf(online);
    const current = live ?? { traffic: {}, mirrorTraffic: {} };
    const stages: TrafficStage[] = [];
    const drained = trafficWithout(current, new Set(changedInPlace.map((d) => d.toLowerCase())));
    if (drained.takenOut.length > 0 || !sameTrafficWeights(drained.weights, current)) {
        stages.push({ label: `drain ${[...drained.takenOut].join(", ") || changedInPlace.join(", ")} while it updates`, weights: drained.weights });
    }
    const rollout = online.rollout;
    const plan = rollout?.enabled ? planRollout(current, declared, rollout) : undefined;
    const base = { endpoint: online.name, live, declared, changedInPlace: [...changedInPlace].sort() };
    if (plan && rollout) {
        // Every stage is watched and judged, the declared one too (rolloutRunner.ts).
        for (const stage of plan.stages) stages.push({ label: stage.label, weights: stage.weights, watchSeconds: rollout.stepSeconds });
        const watched = plan.stages.length;
        return {
            ...base,
            mode: "progressive",
            canary: plan.canary,
            baseline: plan.baseline,
            stages,
            shortestSeconds: watched * rollout.stepSeconds,
            longestSeconds: watched * (rollout.stepSeconds + rollout.metricsDelaySeconds),
        };
    }
    if (live && sameTrafficWeights(current, declared) && stages.length === 0) return { ...base, mode: "unchanged", stages };
    stages.push({ label: "declared", weights: declared });
    return { ...base, mode: "one step", stages };
}
