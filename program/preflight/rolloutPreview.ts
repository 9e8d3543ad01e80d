import { OnlineEndpointConfig } from "../../config/schema";
import { drainDecision } from "../../runtime/endpoints/trafficAway";
import { TrafficWeights, sameTrafficWeights, weightsOf } from "../../runtime/endpoints/trafficWire";
import { planRollout } from "../../runtime/rollout/rolloutPlan";

/** One stage of traffic the `up` will apply, in order. */
export interface TrafficStage {
    /** "drain blue while it updates", "mirror 10%", "step 10%", "declared 50%", "declared". */
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
    /** unchanged: no traffic moves; one step: the declared weights at once; progressive: watched steps. */
    readonly mode: "unchanged" | "one step" | "progressive";
    /** The deployment whose live weight grows, and the one it is judged against (progressive). */
    readonly canary?: string;
    readonly baseline?: string;
    readonly stages: readonly TrafficStage[];
    /** Seconds the watched stages take when every window passes at once (stages x stepSeconds). */
    readonly shortestSeconds?: number;
    /** ...and when each waits the whole metrics delay for its requests to be readable (a held window adds more). */
    readonly longestSeconds?: number;
}

/**
 * The stages the update walks, decided by the code the `up` runs: with a rollout, the deployments
 * whose answers change are first drained (runtime/endpoints/trafficAway.ts `drainDecision`, as
 * the drain provider decides), then the rollout plans from the weights live after the drain
 * (runtime/rollout/rolloutPlan.ts, as rolloutDriver.ts reads them), its stages each watched; or
 * the declared weights in one step; or nothing when they are live already.
 */
export function previewRollout(online: OnlineEndpointConfig, live: TrafficWeights | undefined, changedInPlace: readonly string[]): RolloutPreview {
    const declared = weightsOf(online);
    const rollout = online.rollout?.enabled ? online.rollout : undefined;
    const stages: TrafficStage[] = [];
    let current = live ?? { traffic: {}, mirrorTraffic: {} };
    if (rollout && live && changedInPlace.length > 0) {
        const drain = drainDecision(current, new Set(changedInPlace.map((d) => d.toLowerCase())));
        if (drain.target) {
            stages.push({ label: `drain ${changedInPlace.join(", ")} while ${changedInPlace.length === 1 ? "it updates" : "they update"}`, weights: drain.target });
            current = drain.target;
        }
    }
    const plan = rollout ? planRollout(current, declared, rollout) : undefined;
    const base = { endpoint: online.name, live };
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
    if (live && stages.length === 0 && sameTrafficWeights(current, declared)) return { ...base, mode: "unchanged", stages };
    stages.push({ label: "declared", weights: declared });
    return { ...base, mode: "one step", stages };
}
