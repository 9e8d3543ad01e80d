import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

/** The project's name, read from Pulumi.yaml: the namespace of its config keys. */
export function projectNameIn(projectDir: string): string {
    const project = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string };
    return project.name;
}

/** A stack file's `config:` block, values as written. */
export function readStackConfig(projectDir: string, stack: string): Record<string, unknown> {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`${file} does not exist; stacks here: ${listStacks(projectDir).join(", ")}`);
    const document = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    return document?.config ?? {};
}

export function listStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * Config as Pulumi hands it to a program: `"<ns>:<key>"` → string, with objects, lists,
 * numbers and booleans as JSON text.
 */
export function toPulumiValues(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}
