import { ArmClient } from "../arm/armClient";
import { Clock, systemClock } from "../http/clock";
import { endpointPutBody } from "./endpointPutBody";
import { TrafficWeights, describeWeights, sameTrafficWeights, weightsOf, wireWeights } from "./trafficWire";

/**
 * What a failed post-deploy smoke test does to traffic: when this update moved the weights, put
 * back the ones its last passing run was served under, so a model that answers wrong loses the
 * traffic the update gave it. The traffic resource's state still holds the declared weights; its
 * diff compares them with the live ones, so the next `up` sees the difference and applies them
 * again (through the rollout, when one is configured).
 *
 * Returns the line that says what happened to traffic, for the failure message.
 */
export async function restoreServedWeights(
    arm: ArmClient,
    endpointId: string,
    lastPassing: TrafficWeights | undefined,
    failedUnder: TrafficWeights | undefined,
    clock: Clock = systemClock,
): Promise<string> {
    if (!lastPassing || !failedUnder) return "traffic left as it is: no earlier passing run to restore its weights";
    if (sameTrafficWeights(lastPassing, failedUnder)) return "traffic left as it is: this update did not change it";
    // Putting back "no traffic" would take a live endpoint down; the first weights ever served stay.
    if (Object.keys(wireWeights(lastPassing.traffic)).length === 0) return "traffic left as it is: the last passing run had no live traffic";
    const endpoint = await arm.get(endpointId);
    const live = weightsOf(endpoint.properties ?? {});
    // Something else moved traffic after the test started: do not overwrite it blindly.
    if (!sameTrafficWeights(live, failedUnder)) return `traffic left as it is: it changed while the test ran (now ${describeWeights(live)})`;
    const began = clock.now();
    await arm.putAndWait(endpointId, endpointPutBody(endpoint, { traffic: lastPassing.traffic, mirrorTraffic: lastPassing.mirrorTraffic }));
    const took = clock.now() - began;
    return `traffic restored to ${describeWeights(lastPassing)}, the weights of the last passing run, in ${took} ms (the next \`up\` applies the declared weights again)`;
}
