import { ChildProcess, execFileSync, spawn } from "child_process";
import { processAlive } from "../../emulator/inference/processAlive";
import { projectDir } from "../support/stackFile";

/**
 * `npm run local` stopped the way a shell or a supervisor stops it: a signal to the npm process,
 * or to its whole process group. Every process it started (node, one inference server per
 * deployment and their workers) must be gone shortly after. Slow (the model environments are
 * built on first use), so it lives with the end-to-end tests.
 */
jest.setTimeout(600_000);

/** Every process below `root`, by parent pid, from ps. */
function descendants(root: number): number[] {
    const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((line) => line.trim().split(/\s+/).map(Number));
    const found: number[] = [];
    const walk = (pid: number) => {
        for (const [child, parent] of table) {
            if (parent === pid) {
                found.push(child);
                walk(child);
            }
        }
    };
    walk(root);
    return found;
}

async function startServing(): Promise<{ npm: ChildProcess; tree: number[] }> {
    const npm = spawn("npm", ["run", "local", "--", "--stack", "dev"], { cwd: projectDir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes("until interrupted")) resolve();
        };
        npm.stdout!.on("data", onData);
        npm.stderr!.on("data", onData);
        npm.on("exit", (code) => reject(new Error(`npm run local exited (${code}) before serving:\n${output}`)));
    });
    return { npm, tree: [npm.pid!, ...descendants(npm.pid!)] };
}

async function allGone(pids: number[], withinMs: number): Promise<number[]> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline && pids.some(processAlive)) await new Promise((r) => setTimeout(r, 200));
    return pids.filter(processAlive);
}

describe("npm run local, stopped by a signal", () => {
    it("SIGTERM to the npm process stops node and every inference server", async () => {
        const { npm, tree } = await startServing();
        // npm, node, and for dev's two deployments at least two servers with a worker each.
        expect(tree.length).toBeGreaterThanOrEqual(6);
        process.kill(npm.pid!, "SIGTERM");
        expect(await allGone(tree, 15_000)).toEqual([]);
    });

    it("SIGINT to the process group (Ctrl-C in a shell) stops every process", async () => {
        const { npm, tree } = await startServing();
        process.kill(-npm.pid!, "SIGINT");
        expect(await allGone(tree, 15_000)).toEqual([]);
    });
});
