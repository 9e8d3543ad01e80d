import * as fs from "fs";
import * as path from "path";

/**
 * The lock of a model environment: every package it was built with, at its exact version (`pip
 * freeze`), recorded the first time the environment was resolved and committed under
 * `serving/environment-locks/<environment hash>.txt`. A later build of the same environment (the
 * same model requirements, inference server requirements and Python minor: the same hash), on
 * this machine next month or on another one, installs with the lock as pip constraints, so it gets
 * the same versions rather than whatever is newest that day.
 */
export const locksFolder = path.join("serving", "environment-locks");

export function lockFile(projectDir: string, hash: string): string {
    return path.join(projectDir, locksFolder, `${hash}.txt`);
}

/** The recorded lock of an environment, if any. */
export function existingLock(projectDir: string, hash: string): string | undefined {
    const file = lockFile(projectDir, hash);
    return fs.existsSync(file) ? file : undefined;
}

/**
 * The lock's text from `pip freeze` output: requirement lines only (no editable or local paths,
 * no pip/setuptools, which pip does not freeze into constraints reliably), sorted, with a header
 * naming what it locks.
 */
export function lockText(freeze: string, header: { readonly models: readonly string[]; readonly python: string }): string {
    const lines = freeze
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => /^[A-Za-z0-9][A-Za-z0-9._-]*==\S+$/.test(line))
        .filter((line) => !/^(pip|setuptools|wheel)==/i.test(line))
        .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    return [
        `# Lock of the Python environment of ${header.models.join(", ")} (Python ${header.python}), written by`,
        "# emulator/inference/modelEnvironment.ts when it was first resolved; later builds install with it as",
        "# constraints. Delete it to resolve again.",
        ...lines,
        "",
    ].join("\n");
}

export function writeLock(projectDir: string, hash: string, text: string): string {
    const file = lockFile(projectDir, hash);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
}
