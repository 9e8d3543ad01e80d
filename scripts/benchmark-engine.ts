/**
 * Benchmark (not a test): `pulumi up` of a stack by the real engine into the emulator with
 * realistic provisioning delays (emulator/delays.realistic.json, scaled by --scale), printing the
 * wall time of the update beside the critical path of the resource graph (the longest chain of
 * dependent resources, each weighted by the time the engine spent on it) and their ratio; then an
 * update of the endpoint's tags, printing the seconds the endpoint had no live traffic.
 *   npm run bench:engine -- [--stack dev] [--scale 0.05]
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { LocalAzure, delaysFromFile } from "../emulator/localAzure";
import { TrafficMoment } from "../emulator/arm/armServer";
import { EngineStack } from "../tools/engine/engineStack";
import { main } from "../program/main";

async function run(): Promise<void> {
    const { values } = parseArgs({ options: { stack: { type: "string", default: "dev" }, scale: { type: "string", default: "0.05" } } });
    const projectDir = path.resolve(__dirname, "..");
    const scale = Number(values.scale);
    const realistic = delaysFromFile(path.join(projectDir, "emulator", "delays.realistic.json"))!;
    const delays = Object.fromEntries(Object.entries(realistic).map(([type, ms]) => [type, ms * scale]));
    const scratch = fs.mkdtempSync(path.join(projectDir, ".local", "bench-"));
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
    const stackFile = path.join(scratch, `Pulumi.${values.stack}.yaml`);
    fs.copyFileSync(path.join(projectDir, `Pulumi.${values.stack}.yaml`), stackFile);
    const azure = await LocalAzure.start({ projectDir, name: `bench-${values.stack}`, progress: () => undefined, delays });
    try {
        const open = () => EngineStack.open({ projectDir: scratch, stack: values.stack!, stateDir: path.join(scratch, "state"), program: async () => main(), env: azure.engineEnvironment() });
        const started = new Map<string, number>();
        const ended = new Map<string, number>();
        const t0 = Date.now();
        await (await open()).up({
            onEvent: (event) => {
                const pre = event.resourcePreEvent?.metadata.urn;
                const done = event.resOutputsEvent?.metadata.urn;
                if (pre) started.set(pre, Date.now());
                if (done) ended.set(done, Date.now());
            },
        });
        const wall = (Date.now() - t0) / 1000;
        const stack = await (await open()).stack.exportStack();
        const resources = (stack.deployment as { resources: { urn: string; dependencies?: string[] }[] }).resources;
        const dependencies = new Map(resources.map((r) => [r.urn, r.dependencies ?? []]));
        const finish = new Map<string, number>();
        const longest = (urn: string): number => {
            if (!finish.has(urn)) {
                const own = ((ended.get(urn) ?? 0) - (started.get(urn) ?? ended.get(urn) ?? 0)) / 1000;
                finish.set(urn, own + Math.max(0, ...(dependencies.get(urn) ?? []).map(longest)));
            }
            return finish.get(urn)!;
        };
        const critical = Math.max(...resources.map((r) => longest(r.urn)));

        const document = parseYaml(fs.readFileSync(stackFile, "utf8")) as { config: Record<string, any> };
        document.config["azureml-mlflow:tags"] = { ...document.config["azureml-mlflow:tags"], benchmark: "tag-change" };
        fs.writeFileSync(stackFile, toYaml(document));
        const before = azure.arm.trafficTimeline.length;
        const t1 = Date.now();
        await (await open()).up();
        const dark = secondsWithoutLiveTraffic(azure.arm.trafficTimeline.slice(before - 1), t1, Date.now());

        console.log(`stack ${values.stack}, provisioning delays ${scale} x realistic (online deployment ${(delays["microsoft.machinelearningservices/workspaces/onlineendpoints/deployments"] / 1000).toFixed(0)} s)`);
        console.log(`up from nothing:        wall ${wall.toFixed(1)} s, critical path ${critical.toFixed(1)} s, ratio ${(wall / critical).toFixed(2)}`);
        console.log(`endpoint tag change:    ${dark.toFixed(2)} s without live traffic`);
    } finally {
        await azure.stop();
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

/** Seconds between `from` and `to` when the endpoint's live traffic summed to zero. */
function secondsWithoutLiveTraffic(moments: TrafficMoment[], from: number, to: number): number {
    let dark = 0;
    for (let i = 0; i < moments.length; i++) {
        const total = Object.values(moments[i].traffic).reduce((a, b) => a + b, 0);
        if (total > 0) continue;
        const start = Math.max(from, moments[i].at);
        const end = Math.min(to, moments[i + 1]?.at ?? to);
        if (end > start) dark += end - start;
    }
    return dark / 1000;
}

run().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
});
