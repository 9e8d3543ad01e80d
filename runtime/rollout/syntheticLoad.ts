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
    /** Where a deployment is called directly, when the platform pins by path (see invokeScoring). */
    readonly deploymentUrl?: (deployment: string) => string;
    readonly requestsPerSecond: number;
    /** Each round's answers, by deployment (a 200's JSON body, else undefined): the same request to each. */
    readonly onAnswers?: (answers: Readonly<Record<string, unknown>>) => void;
    readonly clock?: Clock;
}): { stop(): Promise<void> } {
    const clock = options.clock ?? systemClock;
    const inFlight = new Set<Promise<unknown>>();
    let running = true;
    const loop = (async () => {
        while (running) {
            const round = Promise.all(
                options.deployments.map((deployment) =>
                    invokeScoring({
                        scoringUri: options.scoringUri,
                        body: options.requestText,
                        credential: options.credential,
                        deployment,
                        deploymentUrl: options.deploymentUrl,
                        deadline: clock.now() + 30_000,
                        retry: false,
                        clock,
                    })
                        .then((answer) => [deployment, answer.status === 200 ? answer.json : undefined] as const)
                        .catch(() => [deployment, undefined] as const),
                ),
            ).then((answers) => options.onAnswers?.(Object.fromEntries(answers)));
            inFlight.add(round);
            void round.finally(() => inFlight.delete(round));
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
