import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { folderContentHash, listFolderFiles } from "../../config/folders/folderContent";
import { runLoadTimesCli } from "../../tools/loadTimes/cli";
import { projectDir } from "../support/stackFile";

/** `npm run load-times`: Azure's inference server started on a model in its own environment, timed, recorded by content. */
jest.setTimeout(600_000);

it("measures a model's load time and records it under the folder's content hash, keeping other entries", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "load-times-"));
    const file = path.join(dir, "load-times.json");
    fs.writeFileSync(file, JSON.stringify({ how: "", items: { other: { model: "models/other", seconds: 1, measured: "2026-01-01" } } }));
    const out: string[] = [];
    const code = await runLoadTimesCli(["models/diabetes-v1", "--runs", "1", "--file", file], { stdout: (t) => out.push(t), stderr: () => undefined }, projectDir);
    expect(code).toBe(0);
    const recorded = JSON.parse(fs.readFileSync(file, "utf8"));
    const hash = folderContentHash(listFolderFiles(path.join(projectDir, "models", "diabetes-v1")));
    expect(Object.keys(recorded.items).sort()).toEqual([hash, "other"].sort());
    const seconds = recorded.items[hash].seconds;
    process.stdout.write(`diabetes-v1 loads in ${seconds} s\n`);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(120);
    expect(out.join("")).toBe(`models/diabetes-v1: ${seconds} s\n`);
    fs.rmSync(dir, { recursive: true, force: true });
});

it("refuses a folder that holds no MLmodel, naming it", async () => {
    const err: string[] = [];
    expect(await runLoadTimesCli(["data"], { stdout: () => undefined, stderr: (t) => err.push(t) }, projectDir)).toBe(2);
    expect(err.join("")).toContain("data holds no MLmodel");
});
