import { RolloutSteps } from "./rolloutPlan";
import { RolloutPolicy } from "./rolloutRunner";

/** A rollout as the online traffic resource takes it (from `onlineEndpoint.rollout` in config). */
export interface RolloutSettings extends RolloutPolicy, RolloutSteps {
    readonly enabled: boolean;
    /** Synthetic load while windows are watched: the smoke request's text and rate; absent: none. */
    readonly load?: { readonly requestText: string; readonly requestsPerSecond: number };
}
