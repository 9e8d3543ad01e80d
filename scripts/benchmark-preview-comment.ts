/**
 * Benchmark (not a test): what the PR comment costs beyond the engine's preview itself. For each
 * stack, against a fresh local Azure: the engine's plain `pulumi preview` and `npm run
 * preview-comment`'s preview-and-render, alternated `--runs` times; prints the medians, their
 * difference (the comment's own cost: gathering the engine's events and rendering), and how long
 * the preflight took inside the program (part of every preview, plain or not). Target: the comment
 * within 10 s of the preview (issue 26).
 *   npm run bench:preview-comment -- [--stack dev --stack prod] [--runs 3]
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { LocalAzure } from "../emulator/localAzure";
import { main } from "../program/main";
import { EngineStack } from "../tools/engine/engineStack";
import { previewForComment } from "../tools/previewComment/enginePreview";
import { previewComment } from "../tools/previewComment/markdown";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function run(): Promise<void> {
    const { values } = parseArgs({ options: { stack: { type: "string", multiple: true }, runs: { type: "string", default: "3" } } });
    const stacks = values.stack ?? ["dev", "prod"];
    const runs = Number(values.runs);
    const projectDir = path.resolve(__dirname, "..");
    for (const stack of stacks) {
        const scratch = fs.mkdtempSync(path.join(projectDir, ".local", "bench-comment-"));
        fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
        fs.copyFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), path.join(scratch, `Pulumi.${stack}.yaml`));
        const azure = await LocalAzure.start({ projectDir, name: `bench-comment-${stack}`, progress: () => undefined });
        try {
            const engine = await EngineStack.open({ projectDir: scratch, stack, stateDir: path.join(scratch, "state"), program: async () => main(), env: azure.engineEnvironment() });
            const plain: number[] = [];
            const comment: number[] = [];
            const preflight: number[] = [];
            let size = 0;
            for (let run = 0; run < runs; run++) {
                const t0 = Date.now();
                await engine.preview();
                plain.push((Date.now() - t0) / 1000);
                const t1 = Date.now();
                const result = await previewForComment(engine, stack);
                size = previewComment(result).length;
                comment.push((Date.now() - t1) / 1000);
                preflight.push(result.report?.seconds ?? NaN);
            }
            const [p, c] = [median(plain), median(comment)];
            process.stdout.write(
                `${stack}: preview ${p.toFixed(2)} s, preview + comment ${c.toFixed(2)} s, the comment beyond the preview ${(c - p).toFixed(2)} s ` +
                    `(target < 10 s); the preflight inside the program ${median(preflight).toFixed(2)} s; comment ${size} characters; medians of ${runs}\n`,
            );
        } finally {
            await azure.stop();
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    }
}

run().catch((err) => {
    console.error(err);
    process.exit(1);
});
