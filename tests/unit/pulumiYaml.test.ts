import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { stackConfigSchema } from "../../config/schema";
import { committedStacks, projectDir, projectName, stackConfigObject } from "../support/stackFile";

const projectText = fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8");
const project = parseYaml(projectText) as {
    name: string;
    config: Record<string, { type?: string; items?: { type: string }; description?: string; default?: unknown }>;
};
/** Optional keys without a default, documented as `#   <key>: <description>` below `config:`. */
const commentedKeys = [...projectText.matchAll(/^#   ([A-Za-z]+): (\S.*)$/gm)].map((m) => m[1]);
const schemaKeys = stackConfigSchema.shape as Record<string, { parse(v: unknown): unknown; safeParse(v: unknown): { success: boolean } }>;
const isOptional = (key: string) => schemaKeys[key].safeParse(undefined).success;

describe("Pulumi.yaml", () => {
    it("names the project whose namespace the stacks use", () => {
        expect(project.name).toBe(projectName);
    });

    it("documents exactly the keys the program accepts, each once", () => {
        const documented = [...Object.keys(project.config), ...commentedKeys].sort();
        expect(documented).toEqual(Object.keys(schemaKeys).sort());
        for (const [key, declaration] of Object.entries(project.config)) {
            expect([key, typeof declaration.description]).toEqual([key, "string"]);
        }
    });

    // Pulumi refuses a stack that leaves out a declared key without a default: a key declared
    // without one must be one the program requires too, and every optional key needs a default
    // or must stay undeclared.
    it("declares without a default only the keys the program requires", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            expect([key, declaration.default === undefined]).toEqual([key, !isOptional(key)]);
        }
        for (const key of commentedKeys) expect([key, isOptional(key)]).toEqual([key, true]);
    });

    it("declares defaults that mean what the schema's own defaults mean", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            if (declaration.default === undefined) continue;
            expect([key, schemaKeys[key].parse(declaration.default)]).toEqual([key, schemaKeys[key].parse(undefined)]);
        }
    });

    it("gives every declared key a type the engine checks, lists with their item type", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            expect([key, ["string", "integer", "boolean", "object", "array"].includes(declaration.type ?? "")]).toEqual([key, true]);
            if (declaration.type === "array") expect([key, declaration.items?.type]).toEqual([key, expect.any(String)]);
        }
    });

    it.each(committedStacks)("Pulumi.%s.yaml uses only keys of this project and of azure-native", (stack) => {
        const document = parseYaml(fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) as {
            config: Record<string, unknown>;
        };
        for (const key of Object.keys(document.config)) expect(key).toMatch(/^(azureml-mlflow|azure-native):/);
        expect(Object.keys(stackConfigObject(stack)).length).toBeGreaterThan(0);
    });
});
