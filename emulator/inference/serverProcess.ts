import { ChildProcess } from "child_process";
import { ProcessLog } from "./processLog";

/**
 * A local server's process, spawned `detached` (its own process group, so that stopping it also
 * stops the workers it forks): what it printed, kept for a failure report, whether it exited,
 * waiting until it answers, stopping. Every one still running is killed when this process exits.
 * The inference servers and the workspaces' MLflow servers are such processes.
 */
export class ServerProcess {
    private readonly output = new ProcessLog();
    private exited?: number | null;

    /** `name` says which server it is in messages (`the MLflow server`). */
    constructor(
        private readonly child: ChildProcess,
        private readonly name: string,
    ) {
        const keep = (chunk: Buffer) => this.output.add(chunk.toString());
        child.stdout?.on("data", keep);
        child.stderr?.on("data", keep);
        child.on("exit", (code) => (this.exited = code));
        running.add(this);
        child.on("exit", () => running.delete(this));
    }

    /** What the server printed that explains a failure: its first error and traceback, and its last lines. */
    get recentOutput(): string {
        return this.output.report();
    }

    /**
     * Asks `answers` every `intervalMs` until it says yes; throws when the server exits first, or
     * stops it and throws after `timeoutMs` (the message says it was not `state`: live, healthy).
     */
    async waitUntil(answers: () => Promise<boolean>, options: { readonly timeoutMs: number; readonly intervalMs: number; readonly state: string }): Promise<void> {
        const deadline = Date.now() + options.timeoutMs;
        while (Date.now() < deadline) {
            if (this.exited !== undefined) throw new Error(`${this.name} exited (code ${this.exited}) while starting:\n${this.recentOutput}`);
            if (await answers()) return;
            await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
        }
        await this.stop();
        throw new Error(`${this.name} was not ${options.state} after ${options.timeoutMs / 1000} s:\n${this.recentOutput}`);
    }

    /** Kills the server's whole process group at once, synchronously. */
    kill(): void {
        signalGroup(this.child, "SIGKILL");
    }

    /** Stops the server and every process it started; SIGKILL if it has not gone after 10 s. */
    async stop(): Promise<void> {
        if (this.exited !== undefined || this.child.pid === undefined) return;
        const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        signalGroup(this.child, "SIGTERM");
        const timer = setTimeout(() => signalGroup(this.child, "SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
        // Workers may outlive their parent by a moment; make sure the group is gone.
        signalGroup(this.child, "SIGKILL");
    }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
        process.kill(-child.pid!, signal);
    } catch {
        // Already gone.
    }
}

/** Every server process started and not yet exited, starting ones included. */
const running = new Set<ServerProcess>();

// A last resort if this process exits without stopping them: no server outlives it.
process.on("exit", () => {
    for (const server of running) server.kill();
});
