import { Clock, systemClock } from "../http/clock";
import { invokeScoring } from "../scoring/invokeScoring";
import { ScoringCredential } from "../scoring/scoringCredential";
import { AnswerComparison, AnswerPair, compareAnswers } from "./answerComparison";
import type { RolloutIo } from "./rolloutRunner";
import type { RolloutSettings } from "./rolloutSettings";

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

/**
 * A rollout's `startLoad` (rolloutRunner.ts) from its settings: the synthetic load on the canary and
 * the baseline while a window is watched, the same request to both, and, when the rollout has
 * prediction gates, their answers compared once the load stops. Undefined without a load.
 */
export function rolloutLoad(
    rollout: RolloutSettings,
    target: { readonly scoringUri: string; readonly deploymentUrl?: (deployment: string) => string; readonly credential: ScoringCredential; readonly clock?: Clock },
): RolloutIo["startLoad"] {
    const settings = rollout.load;
    if (!settings) return undefined;
    return (canary, baseline) => {
        const pairs: AnswerPair[] = [];
        const load = startSyntheticLoad({
            ...target,
            requestText: settings.requestText,
            deployments: [canary, baseline],
            requestsPerSecond: settings.requestsPerSecond,
            onAnswers: rollout.predictions ? (answers) => pairs.push({ canary: answers[canary], baseline: answers[baseline] }) : undefined,
        });
        return {
            stop: async (): Promise<AnswerComparison | undefined> => {
                await load.stop();
                return rollout.predictions
                    ? compareAnswers(pairs, { tolerance: rollout.predictions.agreement?.tolerance, allowedPredictions: rollout.predictions.allowedPredictions })
                    : undefined;
            },
        };
    };
}
