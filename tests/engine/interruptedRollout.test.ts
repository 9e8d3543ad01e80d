import { ChildProcess, execFileSync, spawn } from "child_process";
import * as path from "path";
import { writeDevStack } from "../support/devStack";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * A rollout whose engine is killed half-way (SIGKILL to every process of the run: the program, the
 * CLI and its provider plugins, which Pulumi starts in process groups of their own, as a cancelled
 * CI job kills them)
 * leaves traffic at a step. The next run must see it: an `up` continues from the step, and with
 * the config put back, a preview shows the traffic to apply and an `up` restores it, though the
 * state already holds those weights.
 */
jest.setTimeout(900_000);

const project = engineProject("engine-interrupted");

// 60 puts a step between 50 and 80, where the second run is killed.
const rollout = { steps: [10, 25, 60], stepSeconds: 10, minRequests: 10, maxErrorRate: 0.01, loadRequestsPerSecond: 5 };

function devWith(traffic: Record<string, number>, mirrorTraffic: Record<string, number> = {}): void {
    writeDevStack(project.dir(), (c) => {
        c.onlineEndpoint.traffic = traffic;
        c.onlineEndpoint.mirrorTraffic = mirrorTraffic;
        c.onlineEndpoint.rollout = rollout;
    });
}

const liveOf = (deployment: string) => {
    const moments = project.azure().arm.trafficTimeline.filter((m) => /\/onlineEndpoints\//i.test(m.endpoint));
    return moments.map((m) => m.traffic[deployment] ?? 0);
};

/** `pulumi up` in a process group of its own, against this test's emulator. */
function upInOwnProcessGroup(): ChildProcess {
    return spawn(
        path.join(projectDir, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", path.join(projectDir, "tests", "support", "engineUpProcess.ts"), project.dir(), "dev", "--running-emulator"],
        { cwd: projectDir, detached: true, stdio: "ignore", env: { ...process.env, ...project.azure().engineEnvironment() } },
    );
}

/** Every process below `pid`, found before any is killed (a killed parent's children are re-parented). */
function descendantsOf(pid: number): number[] {
    const table = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((line) => line.trim().split(/\s+/).map(Number));
    const below = (parent: number): number[] => table.filter(([, ppid]) => ppid === parent).flatMap(([child]) => [child, ...below(child)]);
    return below(pid);
}

/** Kills the engine and everything it started once `deployment` has `weight` of live traffic. */
async function killWhenLive(engine: ChildProcess, deployment: string, weight: number): Promise<void> {
    const exited = new Promise<void>((resolve) => engine.once("exit", () => resolve()));
    for (;;) {
        if (liveOf(deployment).at(-1) === weight) break;
        if (engine.exitCode !== null) throw new Error(`the engine ended (exit ${engine.exitCode}) before ${deployment} had ${weight}% of live traffic`);
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const pid of [engine.pid!, ...descendantsOf(engine.pid!)]) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // Already gone.
        }
    }
    await exited;
}

it("first up: blue alone, green mirrored", async () => {
    devWith({ blue: 100 }, { green: 10 });
    await (await project.open("dev")).up();
    expect(liveOf("blue").at(-1)).toBe(100);
});

it("an up killed at the first step leaves green at 10%; the next up continues from there to the declared weight", async () => {
    await project.given("dev", () => devWith({ blue: 100 }, { green: 10 }));
    devWith({ blue: 50, green: 50 });
    await killWhenLive(upInOwnProcessGroup(), "green", 10);
    // Azure keeps what the killed run left.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(liveOf("green").at(-1)).toBe(10);

    // The killed run still holds the stack's lock: the engine refuses another update until it is cancelled.
    const stack = await project.open("dev");
    await expect(stack.up()).rejects.toThrow(/the stack is currently locked/);
    await stack.stack.cancel();

    const before = liveOf("green").length;
    const up = await stack.up();
    const green = liveOf("green").slice(before);
    process.stdout.write(`continued rollout: green's live weights ${JSON.stringify(green)}\n${(up.outputs.lastRollout.value as string[]).join("\n")}\n`);
    // Continued, not restarted: green never went back below the step it was left at.
    expect(Math.min(...green)).toBeGreaterThanOrEqual(10);
    expect(green.at(-1)).toBe(50);
    expect(up.outputs.lastRollout.value[0]).toMatch(/^rollout of green \(baseline blue\): promoted/);
});

it("killed half-way with the config then put back: the preview shows the traffic to apply, the up restores it", async () => {
    await project.given("dev", () => devWith({ blue: 50, green: 50 }));
    devWith({ blue: 20, green: 80 });
    await killWhenLive(upInOwnProcessGroup(), "green", 60);
    devWith({ blue: 50, green: 50 });
    await (await project.open("dev")).stack.cancel();
    // The state still holds blue 50 / green 50 as applied: only the live weights tell the difference.
    const stack = await project.open("dev");
    const preview = await stack.preview({ diff: true });
    expect(preview.stdout).toMatch(/~ .*pulumi-nodejs:dynamic\/azureml:OnlineEndpointTraffic/);

    await stack.up();
    expect(liveOf("green").at(-1)).toBe(50);
    expect(Object.keys((await stack.preview()).changeSummary)).toEqual(["same"]);
});
