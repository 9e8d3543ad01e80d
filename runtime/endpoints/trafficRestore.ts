import { ArmClient } from "../arm/armClient";
import { Clock, systemClock } from "../http/clock";
import { endpointPutBody } from "./endpointPutBody";
import { trafficWithout } from "./trafficAway";
import { TrafficWeights, describeWeights, sameTrafficWeights, weightsOf, wireWeights } from "./trafficWire";

export interface FailedCheck {
    /** The weights of the check's last passing run (post-deploy smoke test only). */
    readonly lastPassing?: TrafficWeights;
    /** The weights the failed run was served under (post-deploy smoke test only). */
    readonly failedUnder?: TrafficWeights;
    /** Deployments whose model or settings changed in this update (lower-case). */
    readonly changed: ReadonlySet<string>;
}

/**
 * What a failed check (the pre-traffic probe, the post-deploy smoke test) does to traffic: no live
 * or mirror traffic may go on reaching a deployment that changed in the failed update. The
 * starting point is the weights of the last passing run when this update moved them, else the live
 * ones; from it, each changed deployment's live share goes to the unchanged deployments that serve
 * (runtime/endpoints/trafficAway.ts) and mirroring to it stops. The traffic resource's state still
 * holds the declared weights; its diff compares them with the live ones, so the next preview shows
 * what was put back and the next `up` applies the declared weights again.
 *
 * Returns the line that says what happened to traffic, for the failure message.
 */
export async function takeTrafficBack(arm: ArmClient, endpointId: string, failed: FailedCheck, clock: Clock = systemClock): Promise<string> {
    const endpoint = await arm.get(endpointId);
    const live = weightsOf(endpoint.properties ?? {});
    const { lastPassing, failedUnder } = failed;
    // Putting back "no traffic" would take a live endpoint down: then the live weights are the start.
    const putBack = lastPassing && failedUnder && !sameTrafficWeights(lastPassing, failedUnder) && Object.keys(wireWeights(lastPassing.traffic)).length > 0;
    const start = putBack ? lastPassing : live;
    const { weights: target, takenOut, keptLive } = trafficWithout(start, failed.changed);
    const kept = keptLive.length > 0 ? `; ${keptLive.join(", ")} changed in this update but ${keptLive.length === 1 ? "keeps its" : "keep their"} live traffic: no unchanged deployment serves to take it` : "";
    if (sameTrafficWeights(target, live)) {
        return `traffic left as it is (${describeWeights(live)})${kept || ": no deployment that changed in this update serves"}`;
    }
    // Something else moved traffic after the test started: do not overwrite it blindly.
    if (failedUnder && !sameTrafficWeights(live, failedUnder)) {
        return `traffic left as it is: it changed while the test ran (now ${describeWeights(live)})`;
    }
    const began = clock.now();
    await arm.putAndWait(endpointId, endpointPutBody(endpoint, { traffic: target.traffic, mirrorTraffic: target.mirrorTraffic }));
    const took = clock.now() - began;
    const out = takenOut.length > 0 ? `${takenOut.join(", ")} taken out (changed in this update)` : "";
    const how = putBack ? `restored to ${describeWeights(target)}, the weights of the last passing run${out ? ` with ${out}` : ""}` : `set to ${describeWeights(target)}: ${out}`;
    return `traffic ${how}, in ${took} ms${kept} (the next \`up\` applies the declared weights again)`;
}
