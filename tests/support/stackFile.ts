import * as path from "path";
import { listStacks, readStackConfig, toPulumiValues } from "../../tools/stacks/stackFile";

export const projectDir = path.resolve(__dirname, "..", "..");
export const projectName = "azureml-mlflow";
/** Every `Pulumi.<stack>.yaml` in the project, discovered: a new stack is tested without a list to edit. */
export const committedStacks: readonly string[] = listStacks(projectDir);

/** The committed stacks that serve on Azure Machine Learning (no `platform`, or `platform: azureml`). */
export const azureMlStacks: readonly string[] = committedStacks.filter((stack) => (stackConfigObject(stack).platform ?? "azureml") === "azureml");
/** The committed stacks that serve on Azure Databricks. */
export const databricksStacks: readonly string[] = committedStacks.filter((stack) => stackConfigObject(stack).platform === "databricks");

/** A committed stack file's config as Pulumi hands it to the program. */
export function stackConfigValues(stack: string): Record<string, string> {
    return toPulumiValues(readStackConfig(projectDir, stack));
}

/** The project's own keys of a committed stack, as plain values, for tests to alter. */
export function stackConfigObject(stack: string): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(readStackConfig(projectDir, stack))
            .filter(([key]) => key.startsWith(`${projectName}:`))
            .map(([key, value]) => [key.slice(projectName.length + 1), value]),
    );
}

/** Project keys (plain values) → Pulumi's flat string map. */
export function projectValues(config: Record<string, unknown>): Record<string, string> {
    return toPulumiValues(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${projectName}:${k}`, v])));
}
