import { endpointPutBody } from "../endpoints/endpointPutBody";
import { weightsOf } from "../endpoints/trafficWire";
import { changedDeployments, trafficWithout } from "../endpoints/trafficAway";
import { deploymentWindow, metricsApiVersion } from "../monitor/endpointMetrics";
import type { EndpointSettingsCore, EndpointSettingsInputs, EndpointSettingsOutputs } from "../providers/endpointSettings/endpointSettingsCore";
import { azureCredential } from "../azure/credential";
import { endpointScoringCredential } from "../scoring/endpointCredential";
import { planRollout } from "./rolloutPlan";
import { formatRolloutReport, runRollout } from "./rolloutRunner";
import { rolloutLoad } from "./syntheticLoad";

/**
 * Drives a progressive rollout against Azure, when the change raises a deployment's live weight
 * and a rollout is configured: the steps before the declared weights (rolloutPlan.ts), each
 * applied by GET-merge-PUT, watched on the endpoint's metrics and judged (rolloutRunner.ts,
 * rolloutGates.ts). A failed gate puts back the weights applied before this update (or, for a new
 * endpoint, the old deployment alone) and fails the update with the report. The rollout starts
 * from the live weights, so one interrupted half-way continues from where it stopped on the next
 * run. Undefined when no rollout is configured (the deployments were then not waited for).
 */
export async function driveRollout(
    core: EndpointSettingsCore,
    news: EndpointSettingsInputs,
    olds: EndpointSettingsOutputs | undefined,
): Promise<Pick<EndpointSettingsOutputs, "lastRollout"> | undefined> {
    const rollout = news.rollout;
    if (!rollout?.enabled) return undefined;
    const hooks = core.hooks;
    const arm = core.client(news);
    for (const deployment of news.requiredDeployments) await core.waitForDeployment(arm, news.endpointId, deployment);
    const endpoint = await arm.get(news.endpointId);
    const live = weightsOf(endpoint.properties ?? {});
    const plan = planRollout(live, weightsOf(news.settings), rollout);
    if (!plan) return {};
    const before = olds ? weightsOf(olds.applied ?? {}) : live;
    const previous = Object.keys(before.traffic).length > 0 ? before : plan.start;
    // A failed rollout leaves no traffic on a deployment whose model or settings changed in this
    // update, nor on a canary that had none when the rollout began (drained before its update, or
    // new): it never gets more back than it had.
    const changed = changedDeployments(olds?.deploymentFingerprints, news.deploymentFingerprints ?? {});
    if ((live.traffic[plan.canary.toLowerCase()] ?? 0) === 0) changed.add(plan.canary.toLowerCase());
    const restoreTo = trafficWithout(previous, changed).weights;
    const credential = rollout.load
        ? await endpointScoringCredential({
              authMode: news.authMode ?? "Key",
              endpointId: news.endpointId,
              cloud: news.cloud,
              azure: hooks.credential ?? azureCredential(),
              clock: hooks.clock,
          })
        : undefined;
    const scoringUri = String(endpoint.properties?.scoringUri ?? "");
    const report = await runRollout(
        plan,
        rollout,
        {
            // A client per call: each has its own deadline, however long the rollout runs.
            apply: async (weights) => {
                const stepArm = core.client(news);
                const current = await stepArm.get(news.endpointId);
                await stepArm.putAndWait(news.endpointId, endpointPutBody(current, { ...news.settings, ...weights }));
            },
            measure: (deployment, from, to) => deploymentWindow(core.client(news, metricsApiVersion), news.endpointId, deployment, from, to),
            startLoad: credential ? rolloutLoad(rollout, { scoringUri, credential, clock: hooks.clock }) : undefined,
            // A dynamic provider's output lines reach the engine's display as it runs.
            progress: (line) => core.progress(line),
            clock: hooks.clock,
        },
        restoreTo,
    );
    const text = formatRolloutReport(report);
    if (report.outcome === "rolled back") throw new Error(`progressive rollout failed; traffic restored\n${text}`);
    return { lastRollout: text.split("\n") };
}
