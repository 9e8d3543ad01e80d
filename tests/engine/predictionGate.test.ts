import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { engineProject } from "../support/engineProject";
import { weightsOf } from "../../runtime/endpoints/trafficWire";
import { projectDir } from "../support/stackFile";

/**
 * Prod with its rollout (mirror stage first, prediction gates on): green's model is swapped for
 * one that answers wrong once warm, with 200s the metrics cannot tell from right ones. Green is
 * taken out of live traffic before its model changes, the mirror stage compares its answers with
 * blue's on the same requests and stops the rollout there; the wrong model never gets live traffic.
 */
jest.setTimeout(900_000);

const project = engineProject("engine-prediction-gate");

type Change = (config: Record<string, any>) => void;

/** Prod's committed config with a change; windows of 15 s instead of prod's 60, to keep the test short. */
function writeProd(change: Change = () => undefined): void {
    const document = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
    const own = Object.fromEntries(Object.entries(document.config).map(([k, v]) => [k.replace(/^azureml-mlflow:/, ""), v]));
    own.onlineEndpoint.rollout.stepSeconds = 15;
    change(own);
    const config = Object.fromEntries(Object.entries(own).map(([k, v]) => [k.includes(":") ? k : `azureml-mlflow:${k}`, v]));
    fs.writeFileSync(path.join(project.dir(), "Pulumi.prod.yaml"), toYaml({ config }));
}

const greenTurnsWrong: Change = (c) => {
    c.models.push({ name: "diabetes-classifier", version: 4, path: "tests/fixtures/models/diabetes-drifting", description: "Answers wrong once warm." });
    c.onlineEndpoint.deployments.find((d: { name: string }) => d.name === "green").model = "diabetes-classifier:4";
};

const timeline = () => project.azure().arm.trafficTimeline.filter((m) => /\/onlineEndpoints\//i.test(m.endpoint));
/** The live and mirror weights in force now, as Azure keeps them (no zero entries). */
const routedNow = () => weightsOf(timeline().at(-1)!);

it("prod: green's model turns wrong; the mirror stage's prediction gate stops the rollout and green never gets live traffic", async () => {
    await project.given("prod", () => writeProd());
    expect(routedNow()).toEqual({ traffic: { blue: 90, green: 10 }, mirrorTraffic: {} });

    const started = Date.now();
    writeProd(greenTurnsWrong);
    const failure = (await (await project.open("prod")).up().then(
        () => new Error("up succeeded"),
        (err: Error) => err,
    )) as Error;
    const report = failure.message.slice(failure.message.indexOf("rollout of green (baseline blue)")).split("\n").slice(0, 5).join("\n");
    process.stdout.write(`wrong model in prod, stopped in the mirror stage:\n${report}\n`);
    expect(failure.message).toMatch(/progressive rollout failed; traffic restored/);
    expect(failure.message).toMatch(/rollout of green \(baseline blue\): ROLLED BACK to traffic \{"blue":100\}/);
    expect(failure.message).toMatch(/mirror 10% +window 1 at [\d.]+ s: failed/);
    expect(failure.message).toMatch(/agreement 0\.\d+ FAILED \(min 0\.5\); outsideAllowed 0\.\d+ FAILED \(limit 0\)/);

    // Taken out of live traffic before its model changed, and never given any back.
    const greenUpdate = project.azure().arm.operations.find((o) => o.method === "PUT" && /\/deployments\/green$/.test(o.id) && o.started >= started)!;
    expect(greenUpdate).toBeDefined();
    const moments = timeline();
    const inForce = moments.filter((m) => m.at <= greenUpdate.started).pop()!;
    const since = [inForce, ...moments.filter((m) => m.at > greenUpdate.started)];
    expect(since.map((m) => m.traffic.green ?? 0)).toEqual(since.map(() => 0));
    expect(since.some((m) => (m.mirrorTraffic.green ?? 0) === 10)).toBe(true);
    expect(routedNow()).toEqual({ traffic: { blue: 100 }, mirrorTraffic: {} });
});
