/**
 * Benchmark of the local endpoint (not a test): prints start-up time, and p50/p95 latency and
 * throughput through the router and directly against one inference server.
 *   npm run bench:local -- [--stack dev] [--requests 300] [--concurrency 1,4]
 */
import * as path from "path";
import { parseArgs } from "util";
import { startLocalEndpoint } from "../emulator/inference/localEndpoint";
import { prepareModelEnvironments } from "../emulator/inference/modelEnvironment";
import { modelFolders } from "../config/modelFolders";
import { runLoadCheck } from "../runtime/scoring/loadCheck";
import { staticCredential } from "../runtime/scoring/scoringCredential";
import { readScoringRequest } from "../runtime/scoring/scoringRequest";
import { loadCommittedStack } from "../tools/stacks/committedStack";

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string", default: "dev" },
            requests: { type: "string", default: "300" },
            concurrency: { type: "string", default: "1,4" },
        },
    });
    const projectDir = path.resolve(__dirname, "..");
    const { config } = loadCommittedStack(projectDir, values.stack!);
    const folders = modelFolders(config, projectDir);
    const environments = await prepareModelEnvironments(
        [...new Set(config.onlineEndpoint!.deployments.map((d) => d.model))].map((key) => ({ key, dir: folders.get(key)! })),
        { projectDir, progress: (line) => console.log(line) },
    );
    const endpoint = await startLocalEndpoint({ config, projectDir, environments, env: {} });
    try {
        const request = readScoringRequest(path.resolve(projectDir, config.smokeTest.requestFile));
        const requests = Number(values.requests);
        console.log(`stack ${values.stack}: ${endpoint.servers.length} inference servers, start-up ${(endpoint.startupMs / 1000).toFixed(2)} s`);
        console.log(`request: ${request.rows} rows; ${requests} requests per run (after 20 warm-up requests)\n`);
        console.log("target                      concurrency   p50 ms   p95 ms   req/s   errors");
        const direct = endpoint.servers[0];
        const targets = [
            { name: "router (traffic split)", uri: endpoint.scoringUri, key: endpoint.key },
            { name: `direct (${direct.deployment} server)`, uri: `${direct.url}/score`, key: "unused" },
        ];
        for (const concurrency of values.concurrency!.split(",").map(Number)) {
            for (const target of targets) {
                const credential = staticCredential(target.key, "benchmark");
                const run = (n: number) =>
                    runLoadCheck(
                        { scoringUri: target.uri, body: request.text, credential, deadline: Date.now() + 600_000 },
                        { requests: n, concurrency, maxP95Ms: Number.MAX_SAFE_INTEGER, maxErrorRate: 1 },
                        (answer) => (answer.status === 200 ? [] : [`HTTP ${answer.status ?? "no answer"}`]),
                    );
                await run(20);
                const started = Date.now();
                const report = await run(requests);
                const seconds = (Date.now() - started) / 1000;
                console.log(
                    `${target.name.padEnd(28)}${String(concurrency).padStart(11)}${String(report.p50Ms).padStart(9)}${String(report.p95Ms).padStart(9)}` +
                        `${(requests / seconds).toFixed(0).padStart(8)}${String(report.failures).padStart(9)}`,
                );
            }
        }
        const online = config.onlineEndpoint!;
        const served = endpoint.router.stats.served;
        const live = Object.values(served).reduce((a, b) => a + b, 0);
        console.log(`\ntraffic split over ${live} live requests through the router (configured -> observed):`);
        for (const name of Object.keys(endpoint.router.stats.served).concat(Object.keys(online.traffic)).filter((v, i, a) => a.indexOf(v) === i).sort()) {
            const observed = (100 * (served[name] ?? 0)) / live;
            console.log(`  ${name.padEnd(10)} ${String(online.traffic[name] ?? 0).padStart(3)}% -> ${observed.toFixed(1)}%`);
        }
        const mirrored = endpoint.router.stats.mirrored;
        for (const [name, count] of Object.entries(mirrored)) {
            console.log(`  ${name.padEnd(10)} mirror ${online.mirrorTraffic[name]}% -> ${((100 * count) / live).toFixed(1)}% copied`);
        }
    } finally {
        await endpoint.stop();
    }
}

main().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
});
