import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { stackConfigSchema } from "../config/schema";
import { committedStacks, projectDir, projectName, stackConfigObject } from "./support/stackFile";

const project = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config: Record<string, { type?: string; description?: string; default?: unknown }>;
};

describe("Pulumi.yaml", () => {
    it("names the project whose namespace the stacks use", () => {
        expect(project.name).toBe(projectName);
    });

    it("documents exactly the keys the program accepts, each with a description", () => {
        expect(Object.keys(project.config).sort()).toEqual(Object.keys(stackConfigSchema.shape).sort());
        for (const [key, declaration] of Object.entries(project.config)) {
            expect([key, typeof declaration.description]).toEqual([key, "string"]);
        }
    });

    it("declares the same defaults as the schema", () => {
        const defaults = stackConfigSchema.shape;
        for (const [key, declaration] of Object.entries(project.config)) {
            if (declaration.default === undefined) continue;
            const schema = defaults[key as keyof typeof defaults];
            expect([key, schema.parse(undefined)]).toEqual([key, declaration.default]);
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
