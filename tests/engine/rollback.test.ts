import { EngineStack } from "../../tools/engine/engineStack";
import { writeDevStack } from "../support/devStack";
import { engineProject } from "../support/engineProject";
import { weightsOf } from "../../runtime/endpoints/trafficWire";

/**
 * A failed update leaves no bad model serving: after the post-deploy smoke test fails, no live or
 * mirror traffic reaches a deployment whose model changed in the update, whatever weights the
 * last passing run had. Traffic is read from the emulator's timeline: every moment, by endpoint.
 */
jest.setTimeout(900_000);

const project = engineProject("engine-rollback");

type Change = (config: Record<string, any>) => void;

/** The smoke test's load check: through the endpoint's routing, every answer checked. */
// 60 requests at 50/50: green gets far more than the ten calls its model answers right (one in 10^8 fewer).
const loadCheck = { requests: 60, concurrency: 3, maxP95Ms: 2000, maxErrorRate: 0 };

/** Dev without a rollout, green healthy at 10% of live traffic. */
const greenAt10: Change = (c) => {
    c.onlineEndpoint.traffic = { blue: 90, green: 10 };
    c.onlineEndpoint.mirrorTraffic = {};
    c.smokeTest.load = loadCheck;
};

/** Green's model swapped for one that answers wrong once warm, and traffic moved to 50/50, in one `up`. */
const greenTurnsWrong: Change = (c) => {
    greenAt10(c);
    c.models.push({ name: "diabetes-classifier", version: 4, path: "tests/fixtures/models/diabetes-drifting", description: "Answers wrong once warm." });
    c.onlineEndpoint.deployments.find((d: { name: string }) => d.name === "green").model = "diabetes-classifier:4";
    c.onlineEndpoint.traffic = { blue: 50, green: 50 };
};

function devWith(change: Change): Promise<EngineStack> {
    writeDevStack(project.dir(), change);
    return project.open("dev");
}

const timeline = () => project.azure().arm.trafficTimeline.filter((m) => /\/onlineEndpoints\//i.test(m.endpoint));
/** The live and mirror weights in force now, as Azure keeps them (no zero entries). */
const routedNow = () => weightsOf(timeline().at(-1)!);

/**
 * How much live traffic green had, and for how long, from the moment its new model served (its
 * deployment's update ended) to `until`: percent-seconds, the longest stretch, the highest weight.
 */
function exposureOfGreen(until: number): { percentSeconds: number; seconds: number; maxPercent: number } {
    const updated = project.azure().arm.operations.filter((o) => o.method === "PUT" && /\/deployments\/green$/.test(o.id) && o.ended !== undefined).pop()!;
    const from = updated.ended!;
    const moments = timeline();
    const inForce = moments.filter((m) => m.at <= from).pop();
    const changes = [...(inForce ? [{ ...inForce, at: from }] : []), ...moments.filter((m) => m.at > from && m.at <= until)];
    let percentSeconds = 0;
    let seconds = 0;
    let maxPercent = 0;
    changes.forEach((moment, i) => {
        const end = i + 1 < changes.length ? changes[i + 1].at : until;
        const weight = (moment.traffic.green ?? 0) + (moment.mirrorTraffic.green ?? 0);
        if (weight > 0) {
            percentSeconds += (weight * (end - moment.at)) / 1000;
            seconds += (end - moment.at) / 1000;
            maxPercent = Math.max(maxPercent, weight);
        }
    });
    return { percentSeconds: Math.round(percentSeconds), seconds: Math.round(seconds * 10) / 10, maxPercent };
}

it("dev without a rollout: green's model turns wrong in the update that moves it to 50/50; the update fails and afterwards no live traffic reaches green", async () => {
    await project.given("dev", () => writeDevStack(project.dir(), greenAt10));
    expect(routedNow()).toEqual({ traffic: { blue: 90, green: 10 }, mirrorTraffic: {} });

    const failure = (await (await devWith(greenTurnsWrong)).up().then(
        () => new Error("up succeeded"),
        (err: Error) => err,
    )) as Error;
    const failedAt = Date.now();
    expect(failure.message).toMatch(
        /post-deploy smoke test failed; traffic restored to traffic \{"blue":100\}, the weights of the last passing run with green taken out \(changed in this update\)/,
    );
    expect(failure.message).toMatch(/FAIL  load check .*\n.*error rate [\d.]+% over the allowed 0.0% \(first: predictions outside the allowed set \[0,1\]/);
    // Afterwards: no live or mirror traffic reaches green.
    expect(routedNow()).toEqual({ traffic: { blue: 100 }, mirrorTraffic: {} });
    const exposure = exposureOfGreen(failedAt);
    process.stdout.write(`wrong model's exposure during the failed update: ${JSON.stringify(exposure)}; afterwards: 0%\n`);
    expect(exposure.maxPercent).toBe(50);

    // The next preview shows what was put back: the declared weights are applied again.
    const preview = await (await devWith(greenTurnsWrong)).preview({ diff: true });
    expect(preview.stdout).toMatch(/~ .*pulumi-nodejs:dynamic\/azureml:OnlineEndpointTraffic/);
    expect(routedNow()).toEqual({ traffic: { blue: 100 }, mirrorTraffic: {} });
});
