import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

/**
 * What a model's Python environment is made of, read the way Azure reads it for a no-code MLflow
 * deployment: the `python_function` flavor's conda environment (`env.conda`, usually conda.yaml:
 * its Python version and its `pip:` list), falling back to `requirements.txt` and
 * `python_env.yaml` when the model has no conda file.
 */
export interface ModelRequirements {
    /** pip requirement lines, as the model lists them (paths of `-r`/`-c` made absolute). */
    readonly pip: readonly string[];
    /** The Python version the model was saved with (e.g. "3.11.7"), when recorded. */
    readonly python?: string;
    /** Conda packages besides python and pip, which a pip environment cannot provide. */
    readonly condaOnly: readonly string[];
    /** The file the requirements came from, relative to the model folder. */
    readonly source: string;
    /** The conda file's own pip requirement (`pip<=23.2.1` gives "<=23.2.1"; "" when unversioned). */
    readonly condaPip?: string;
}

export function readModelRequirements(modelDir: string): ModelRequirements {
    const mlmodel = asRecord(parseYaml(fs.readFileSync(path.join(modelDir, "MLmodel"), "utf8")));
    const pyfunc = asRecord(asRecord(mlmodel.flavors).python_function);
    const env = pyfunc.env;
    // MLflow < 2 wrote `env: conda.yaml`; later versions `env: {conda: ..., virtualenv: ...}`.
    const condaFile = typeof env === "string" ? env : typeof asRecord(env).conda === "string" ? (asRecord(env).conda as string) : undefined;
    const recordedPython = typeof pyfunc.python_version === "string" ? pyfunc.python_version : undefined;

    if (condaFile && fs.existsSync(path.join(modelDir, condaFile))) {
        const conda = asRecord(parseYaml(fs.readFileSync(path.join(modelDir, condaFile), "utf8")));
        const dependencies = Array.isArray(conda.dependencies) ? conda.dependencies : [];
        let python = recordedPython;
        const pip: string[] = [];
        const condaOnly: string[] = [];
        let condaPip: string | undefined;
        for (const dependency of dependencies) {
            if (typeof dependency === "string") {
                const name = dependency.split(/[=<>!~ ]/)[0].toLowerCase();
                // `python=3.8.10=h12debd9_8`: the version, without conda's build string.
                if (name === "python") python = dependency.slice(name.length).replace(/^[=<>!~ ]+/, "").split(/[= ]/)[0] || python;
                else if (name === "pip") condaPip = dependency.slice(name.length).trim();
                else condaOnly.push(dependency);
            } else if (Array.isArray(asRecord(dependency).pip)) {
                pip.push(...(asRecord(dependency).pip as unknown[]).map(String));
            }
        }
        return { pip: absolutePaths(pip, modelDir), python, condaOnly, source: condaFile, ...(condaPip !== undefined && { condaPip }) };
    }

    const requirementsFile = path.join(modelDir, "requirements.txt");
    if (!fs.existsSync(requirementsFile)) {
        throw new Error(`${modelDir} lists no environment: its MLmodel names no conda file and it has no requirements.txt`);
    }
    const lines = fs
        .readFileSync(requirementsFile, "utf8")
        .split("\n")
        .map((line) => line.replace(/\s+#.*$/, "").trim())
        .filter((line) => line !== "" && !line.startsWith("#"));
    const pythonEnv = path.join(modelDir, "python_env.yaml");
    const python = fs.existsSync(pythonEnv) ? String(asRecord(parseYaml(fs.readFileSync(pythonEnv, "utf8"))).python ?? "") || recordedPython : recordedPython;
    return { pip: absolutePaths(lines, modelDir), python, condaOnly: [], source: "requirements.txt" };
}

/** `major.minor` of a version such as "3.11.7" or "3.9". */
export function pythonMinor(version: string | undefined): string | undefined {
    const match = /^(\d+)\.(\d+)/.exec(version ?? "");
    return match ? `${match[1]}.${match[2]}` : undefined;
}

/** `-r other.txt` and `-c constraints.txt` lines point into the model folder. */
function absolutePaths(lines: readonly string[], modelDir: string): string[] {
    return lines.map((line) => {
        const include = /^(-r|-c|--requirement|--constraint)\s*(.+)$/.exec(line);
        return include ? `${include[1]} ${path.resolve(modelDir, include[2].trim())}` : line;
    });
}

function asRecord(value: unknown): Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
