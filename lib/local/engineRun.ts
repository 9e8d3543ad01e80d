import * as fs from "fs";
import * as path from "path";
import { LocalAzure } from "../../emulator/localAzure";
import { EngineStack } from "../engine/engineStack";
import { endpointKeyVariable } from "../smoke/scoringCredential";

export interface EngineRunOptions {
    readonly projectDir: string;
    readonly stack: string;
    /**
     * serve: up, then serve until interrupted; once: up, `preview --expect-no-changes`, destroy (the
     * exit code is the verdict); preview: the engine's `preview --diff` only.
     */
    readonly mode: "serve" | "once" | "preview";
    /** The stack protects its resources (`protectResources`): `destroy` would be refused, so --once skips it. */
    readonly protectsResources: boolean;
    readonly io: { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void };
    /** Aborts the engine's operation and ends the run (Ctrl-C). */
    readonly signal: AbortSignal;
    /** Resolves when the run is interrupted (serving ends then). */
    readonly interrupted: Promise<unknown>;
}

/**
 * The stack through the real Pulumi engine into Azure on this machine: the emulator started, a
 * fresh state for the stack (the emulator lives as long as this run), `pulumi up` with the engine's
 * own output - the post-deploy smoke test runs inside it, as on Azure - then the scoring URI and
 * where the key is. `once`: then `preview --expect-no-changes` and `destroy`. Otherwise it serves
 * until interrupted. The timeline of ARM operations and live traffic goes to
 * `.local/timeline-<stack>.json`.
 */
export async function runStackThroughEngine(options: EngineRunOptions): Promise<number> {
    const { projectDir, stack, io, signal } = options;
    const lines = lineWriter(io.stdout);
    const azure = await LocalAzure.start({ projectDir, name: stack, progress: io.stdout });
    const stateDir = path.join(projectDir, ".local", "state", stack);
    fs.rmSync(stateDir, { recursive: true, force: true });
    try {
        // Imported here: the program module declares nothing until main() runs, inside the engine.
        const { main } = await import("../../program");
        const engine = await EngineStack.open({ projectDir, stack, stateDir, program: async () => main(), env: azure.engineEnvironment() });
        if (options.mode === "preview") {
            await engine.preview({ diff: true, onOutput: lines, signal });
            lines.flush();
            return 0;
        }
        const up = await engine.up({ onOutput: lines, signal });
        lines.flush();
        const outputs = Object.fromEntries(Object.entries(up.outputs).map(([key, output]) => [key, output.value]));
        describeEndpoint(outputs, projectDir, io);
        if (options.mode === "serve") {
            io.stdout(`\nServing ${outputs.scoringUri} until interrupted (Ctrl-C).`);
            await options.interrupted;
            io.stdout("Stopping...");
            return 0;
        }
        io.stdout("\nA preview right after the update must show no changes:");
        await engine.preview({ expectNoChanges: true, onOutput: lines, signal });
        lines.flush();
        if (options.protectsResources) {
            io.stdout(`\n${stack} protects its resources (protectResources: true): the engine would refuse to destroy them, so --once leaves them; the emulator goes with this run.`);
            io.stdout(`${stack}: up (smoke test passed inside it), a preview with no changes: all passed`);
            return 0;
        }
        await engine.destroy({ onOutput: lines, signal });
        lines.flush();
        io.stdout(`\n${stack}: up (smoke test passed inside it), a preview with no changes, destroy: all passed`);
        return 0;
    } catch (err) {
        lines.flush();
        if (signal.aborted) return 130;
        io.stderr(`\n${(err as Error).message.split("\n").slice(0, 3).join("\n")}`);
        return 1;
    } finally {
        azure.writeTimeline(path.join(projectDir, ".local", `timeline-${stack}.json`));
        await azure.stop();
    }
}

/** The scoring URI, where the key is (written to a file readable by its owner only), the smoke verdict. */
function describeEndpoint(outputs: Record<string, any>, projectDir: string, io: EngineRunOptions["io"]): void {
    if (!outputs.scoringUri) return;
    io.stdout(`\nScoring URI: ${outputs.scoringUri}`);
    if (typeof outputs.onlineEndpointKey === "string") {
        const file = path.join(projectDir, ".local", "endpoint-key");
        fs.writeFileSync(file, outputs.onlineEndpointKey, { mode: 0o600 });
        fs.chmodSync(file, 0o600);
        io.stdout(`Key: the stack's secret output onlineEndpointKey, saved to .local/endpoint-key (export ${endpointKeyVariable}=$(cat .local/endpoint-key))`);
    }
    const smoke = outputs.smokeTest as { passed?: boolean; checks?: { name: string; status?: number; latencyMs: number }[]; load?: { p50Ms: number; p95Ms: number; errorRate: number } } | undefined;
    if (smoke?.checks) {
        io.stdout("Post-deploy smoke test (inside the update):");
        for (const check of smoke.checks) io.stdout(`  PASS  ${check.name.padEnd(20)} HTTP ${check.status}, ${check.latencyMs} ms`);
        if (smoke.load) io.stdout(`  PASS  load check            p50 ${smoke.load.p50Ms} ms, p95 ${smoke.load.p95Ms} ms, error rate ${(smoke.load.errorRate * 100).toFixed(1)}%`);
        io.stdout(`smoke: ${smoke.checks.length + (smoke.load ? 1 : 0)} passed, 0 failed`);
    }
}

/** Engine output arrives in chunks; people read lines. */
function lineWriter(write: (line: string) => void): ((chunk: string) => void) & { flush(): void } {
    let pending = "";
    const onChunk = (chunk: string) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) write(line);
    };
    return Object.assign(onChunk, {
        flush() {
            if (pending) write(pending);
            pending = "";
        },
    });
}
