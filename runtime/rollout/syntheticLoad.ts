import { Clock, systemClock } from "../http/clock";
import { invokeScoring } from "../scoring/invokeScoring";
import { ScoringCredential } from "../scoring/scoringCredential";

/**
 * Synthetic load for a rollout window with too little live traffic to judge (Flagger's load
 * tester): the smoke test's request, pinned to each deployment with `azureml-model-deployment`
 * (so it lands in that deployment's metrics whatever the weights), at a bounded rate, without
 * retries (a failure is what the gates are there to see).
 */
export function startSyntheticLoad(options: {
    readonly scoringUri: string;
    readonly credential: ScoringCredential;
    readonly requestText: string;
    readonly deployments: readonly string[];
    readonly requestsPerSecond: number;
    readonly clock?: Clock;
}): { stop(): Promise<void> } {
    const clock = options.clock ?? systemClock;
    const inFlight = new Set<Promise<unknown>>();
    let running = true;
    const loop = (async () => {
        while (running) {
            for (const deployment of options.deployments) {
                const call = invokeScoring({
                    scoringUri: options.scoringUri,
                    body: options.requestText,
                    credential: options.credential,
                    deployment,
                    deadline: clock.now() + 30_000,
                    retry: false,
                    clock,
                }).catch(() => undefined);
                inFlight.add(call);
                void call.finally(() => inFlight.delete(call));
            }
            await clock.sleep(1000 / options.requestsPerSecond);
        }
    })();
    return {
        stop: async () => {
            running = false;
            await loop;
            await Promise.allSettled([...inFlight]);
        },
    };
}
