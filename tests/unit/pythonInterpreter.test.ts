import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { askInterpreter, findInterpreter, interpreterCandidates } from "../../emulator/inference/pythonInterpreter";
import { conflictCauses, pythonInterpreter } from "../../emulator/inference/modelEnvironment";
import { existingLock, lockText } from "../../emulator/inference/environmentLock";
import { pythonMinor, readModelRequirements } from "../../config/folders/modelRequirements";
import { environmentHash } from "../../emulator/inference/modelRequirements";
import { committedStacks, projectDir, stackConfigObject } from "../support/stackFile";

/** An executable script at `file`. */
function script(file: string, body: string): string {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
}

describe("the interpreter a model's environment is built with", () => {
    let scratch: string;
    beforeEach(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "interpreters-"))));
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("skips a pyenv shim that fails (installed, not selected) and takes pyenv's installed version instead", () => {
        const shims = path.join(scratch, "shims");
        script(path.join(shims, "python3.12"), 'echo "pyenv: python3.12: command not found" >&2; exit 127');
        const root = path.join(scratch, "pyenv");
        const installed = script(path.join(root, "versions", "3.12.1", "bin", "python"), "echo 3.12.1");
        script(path.join(root, "versions", "3.11.7", "bin", "python"), "echo 3.11.7");
        const env = { PATH: shims, PYENV_ROOT: root };
        expect(interpreterCandidates("3.12", { env, home: scratch })).toEqual([path.join(shims, "python3.12"), installed]);
        expect(findInterpreter("3.12", { env, home: scratch })).toEqual({ path: installed, version: "3.12.1" });
    });

    it("prefers a working python<minor> on PATH, then pyenv's newest patch, then uv's managed Pythons; none: undefined", () => {
        const root = path.join(scratch, "pyenv");
        script(path.join(root, "versions", "3.10.9", "bin", "python"), "echo 3.10.9");
        const newest = script(path.join(root, "versions", "3.10.13", "bin", "python"), "echo 3.10.13");
        const uv = script(path.join(scratch, ".local", "share", "uv", "python", "cpython-3.13.1-linux-x86_64-gnu", "bin", "python3"), "echo 3.13.1");
        const bin = path.join(scratch, "bin");
        const onPath = script(path.join(bin, "python3.10"), "echo 3.10.4");
        expect(findInterpreter("3.10", { env: { PATH: bin, PYENV_ROOT: root }, home: scratch })?.path).toBe(onPath);
        expect(findInterpreter("3.10", { env: { PATH: "", PYENV_ROOT: root }, home: scratch })?.path).toBe(newest);
        expect(findInterpreter("3.13", { env: { PATH: "", PYENV_ROOT: root }, home: scratch })).toEqual({ path: uv, version: "3.13.1" });
        expect(findInterpreter("3.9", { env: { PATH: "", PYENV_ROOT: root }, home: scratch })).toBeUndefined();
    });

    it("never takes a file that says it is another minor version", () => {
        const bin = path.join(scratch, "bin");
        script(path.join(bin, "python3.12"), "echo 3.11.7");
        expect(findInterpreter("3.12", { env: { PATH: bin, PYENV_ROOT: path.join(scratch, "none") }, home: scratch })).toBeUndefined();
    });
});

describe("a conflict between a model's pins and the inference server's ranges", () => {
    it("names both requirements, the model's and the server's", () => {
        const output = [
            "ERROR: Cannot install -r model-requirements.txt (line 2) and azure-monitor-opentelemetry-exporter because these package versions have conflicting dependencies.",
            "",
            "The conflict is caused by:",
            "    The user requested psutil==5.0.0",
            "    azure-monitor-opentelemetry-exporter 1.0.0b40 depends on psutil<8 and >=5.9",
            "",
            "To fix this you could try to:",
        ].join("\n");
        expect(conflictCauses(output, ["mlflow==2.22.5", "psutil==5.0.0"])).toEqual([
            "the model requires psutil==5.0.0",
            "azure-monitor-opentelemetry-exporter 1.0.0b40 depends on psutil<8 and >=5.9",
        ]);
        expect(conflictCauses("The conflict is caused by:\n    The user requested gunicorn<25.1\n    The user requested gunicorn<25.1\n", ["mlflow"])).toEqual([
            "the inference server requires gunicorn<25.1",
        ]);
    });
});

describe("an environment's lock", () => {
    it("keeps exact requirement lines only, sorted, without pip and setuptools", () => {
        const freeze = "Werkzeug==3.1.3\nazureml-inference-server-http==1.5.1\npip==23.2.1\nsetuptools==65.5.0\n-e git+https://x#egg=y\npsutil==7.0.0\n";
        expect(lockText(freeze, { models: ["m:1"], python: "3.12.1" }).split("\n").filter((l) => !l.startsWith("#"))).toEqual([
            "azureml-inference-server-http==1.5.1",
            "psutil==7.0.0",
            "Werkzeug==3.1.3",
            "",
        ]);
    });
});

describe("the committed models' environments", () => {
    it("each has a committed lock, so every machine builds the same environment", () => {
        // What each platform adds to a model's requirements: Azure's inference server, or the bound on MLflow's scoring server.
        const serverOf = (stack: string) =>
            fs.readFileSync(path.join(projectDir, stackConfigObject(stack).platform === "databricks" ? "emulator/databricks/scoring-server.txt" : "serving/inference-server.txt"), "utf8");
        const folders = new Map(
            committedStacks.flatMap((stack) => ((stackConfigObject(stack).models ?? []) as { path: string }[]).map((m) => [`${stack}:${m.path}`, { path: m.path, server: serverOf(stack) }] as const)),
        );
        const unlocked = [...folders.values()].filter(({ path: folder, server }) => {
            const requirements = readModelRequirements(path.join(projectDir, folder));
            const python = askInterpreter(pythonInterpreter(pythonMinor(requirements.python)))!.version;
            return !existingLock(projectDir, environmentHash(requirements, python, server));
        }).map(({ path: folder }) => folder);
        // Build it once (npm run local) and commit the lock it writes under serving/environment-locks/.
        expect(unlocked).toEqual([]);
        expect(folders.size).toBeGreaterThanOrEqual(6);
    });
});
