import * as os from "os";
import * as path from "path";
import { LoadTime, LoadTimes } from "../../config/folders/modelLoadTimes";
import { folderContentHash, listFolderFiles } from "../../config/folders/folderContent";
import { InferenceServer } from "../../emulator/inference/inferenceServer";
import { prepareModelEnvironments } from "../../emulator/inference/modelEnvironment";

/**
 * Each model folder's load time as Azure's no-code deployment meets it, measured on this machine:
 * the model's own Python environment built as the local Azure builds it (not timed: Azure builds
 * it too, with its own speed), then Azure's inference server (`azmlinfsrv` with the no-code entry
 * script) started on the model and timed from spawn until its liveness route answers, which it
 * does only once the model is loaded. The best of `runs` starts (a first start also warms the
 * file cache). Keyed by the folder's content SHA-256.
 */
export async function measureLoadTimes(projectDir: string, folders: readonly string[], options: { runs: number; progress: (line: string) => void }): Promise<LoadTimes["items"]> {
    const items: Record<string, LoadTime> = {};
    for (const folder of folders) {
        const dir = path.resolve(projectDir, folder);
        const environments = await prepareModelEnvironments([{ key: folder, dir }], { projectDir, progress: options.progress });
        let best = Infinity;
        for (let run = 0; run < options.runs; run++) {
            const started = process.hrtime.bigint();
            const server = await InferenceServer.start({
                deployment: `load-time-${path.basename(folder)}`,
                modelDir: dir,
                bin: environments.get(folder)!.bin,
                entryScript: path.join(projectDir, "serving", "score.py"),
                projectDir,
                startupTimeoutMs: 600_000,
            });
            best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
            await server.stop();
        }
        const seconds = Math.round(best * 10) / 10;
        options.progress(`${folder}: ${seconds} s`);
        items[folderContentHash(listFolderFiles(dir))] = { model: folder, seconds, measured: new Date().toISOString().slice(0, 10) };
    }
    return items;
}

/** What the measurement was made with, for the file's readers. */
export function measuredWith(runs: number): string {
    return `azmlinfsrv (serving/inference-server.txt) with serving/score.py, in each model's own environment, from spawn to its liveness route answering; best of ${runs} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}); npm run load-times`;
}
