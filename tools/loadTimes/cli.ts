import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { LoadTimes, loadTimesFile } from "../../config/folders/modelLoadTimes";
import { measureLoadTimes, measuredWith } from "./measureLoadTimes";

export const loadTimesUsage = `Usage: npm run load-times -- [<model folder>...] [--runs <n>] [--file <json>]
  <model folder>   MLflow model folders to measure (default: every folder under models/ with an MLmodel)
  --runs <n>       starts per model; the best counts (default 2)
  --file <json>    where the measurements are kept (default models/load-times.json, which the preflight reads)
Measures each model's load time in Azure's inference server on this machine and records it in
models/load-times.json, keyed by the folder's content: the preflight compares deployments' probes with it.`;

/** `npm run load-times`: measure and record (existing measurements of other folders are kept). */
export async function runLoadTimesCli(argv: readonly string[], io: { stdout: (t: string) => void; stderr: (t: string) => void }, projectDir = process.cwd()): Promise<number> {
    let folders: string[];
    let runs: number;
    let file: string;
    try {
        const { values, positionals } = parseArgs({ args: [...argv], options: { runs: { type: "string", default: "2" }, file: { type: "string" } }, allowPositionals: true, strict: true });
        runs = Number(values.runs);
        file = values.file ? path.resolve(projectDir, values.file) : loadTimesFile(projectDir);
        if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: must be a whole number >= 1`);
        // As the project names them (models/x, whatever way they were typed): one entry per folder.
        folders = positionals.length > 0 ? positionals.map((p) => path.relative(projectDir, path.resolve(projectDir, p))) : fs.readdirSync(path.join(projectDir, "models")).map((d) => path.join("models", d)).filter((d) => fs.existsSync(path.join(projectDir, d, "MLmodel")));
        for (const folder of folders) if (!fs.existsSync(path.join(projectDir, folder, "MLmodel"))) throw new Error(`${folder} holds no MLmodel`);
    } catch (err) {
        io.stderr(`${(err as Error).message}\n\n${loadTimesUsage}\n`);
        return 2;
    }
    const measured = await measureLoadTimes(projectDir, folders, { runs, progress: (line) => io.stderr(`${line}\n`) });
    const previous: LoadTimes = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : { how: "", items: {} };
    const measuredModels = new Set(Object.values(measured).map((m) => m.model));
    // A folder measured again replaces its older entry (its content may have changed).
    const kept = Object.fromEntries(Object.entries(previous.items).filter(([, item]) => !measuredModels.has(item.model)));
    const items = Object.fromEntries(Object.entries({ ...kept, ...measured }).sort(([, a], [, b]) => a.model.localeCompare(b.model)));
    const times: LoadTimes = { how: measuredWith(runs), items };
    fs.writeFileSync(file, `${JSON.stringify(times, null, 2)}\n`);
    for (const item of Object.values(measured)) io.stdout(`${item.model}: ${item.seconds} s\n`);
    return 0;
}
