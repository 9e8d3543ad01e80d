import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { projectDir } from "../support/stackFile";

/**
 * The layer check (`npm run check:layers`, .dependency-cruiser.js) refuses every import against
 * the grain and lets every import with it through. Proven on a planted tree, so the check cannot
 * pass by checking nothing.
 */
const planted: Record<string, { imports: string; refused: boolean }> = {
    "runtime/planted.ts": { imports: "../program/declared", refused: true },
    "runtime/fromTools.ts": { imports: "../tools/tool", refused: true },
    "config/planted.ts": { imports: "../program/declared", refused: true },
    "program/fromEmulator.ts": { imports: "../emulator/azure", refused: true },
    "emulator/planted.ts": { imports: "../program/declared", refused: true },
    "policy/planted.ts": { imports: "../runtime/client", refused: true },
    "program/declared.ts": { imports: "../runtime/client", refused: false },
    "config/rules.ts": { imports: "../runtime/client", refused: false },
    "emulator/azure.ts": { imports: "../config/rules", refused: false },
    "tools/tool.ts": { imports: "../emulator/azure", refused: false },
};

const leaves = ["runtime/client.ts"];

describe("the layer check", () => {
    let scratch = "";
    beforeAll(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "layers-"));
        for (const [file, { imports }] of Object.entries(planted)) {
            fs.mkdirSync(path.join(scratch, path.dirname(file)), { recursive: true });
            fs.writeFileSync(path.join(scratch, file), `import * as m from "${imports}";\nexport const used = m;\n`);
        }
        for (const file of leaves) fs.writeFileSync(path.join(scratch, file), "export const leaf = 1;\n");
        fs.copyFileSync(path.join(projectDir, ".dependency-cruiser.js"), path.join(scratch, ".dependency-cruiser.js"));
        fs.writeFileSync(path.join(scratch, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }));
    });
    afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("refuses exactly the imports against the grain, each named with its rule", async () => {
        const depcruise = path.join(projectDir, "node_modules", ".bin", "depcruise");
        const result = await promisify(execFile)(depcruise, ["--config", ".dependency-cruiser.js", "--output-type", "json", "runtime", "config", "program", "emulator", "tools", "policy"], {
            cwd: scratch,
        }).catch((err: { stdout: string }) => err);
        const report = JSON.parse(result.stdout) as { summary: { violations: { from: string; to: string; rule: { name: string } }[] } };
        const refused = report.summary.violations.map((v) => `${v.from} -> ${v.to} (${v.rule.name})`).sort();
        const expected = Object.entries(planted)
            .filter(([, p]) => p.refused)
            .map(([file, p]) => `${file} -> ${path.join(path.dirname(file), p.imports)}.ts (${file.split("/")[0]}-imports-only-`);
        expect(refused).toHaveLength(expected.length);
        expected.sort().forEach((line, i) => expect(refused[i].startsWith(line)).toBe(true));
    });
});
