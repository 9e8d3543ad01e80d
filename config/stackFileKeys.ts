import { didYouMean, nearestNames } from "./suggest";
import { Problem } from "./problems";

/**
 * Keys outside the project's namespace. Pulumi hands a program every key of its stack file, and
 * one in a namespace nobody reads (`azureml-mlflw:smokeTest`) would otherwise be ignored without a
 * word, leaving the setting it meant on its default.
 */

/** Namespaces of the providers the program configures through the stack file, and Pulumi's own. */
const providerNamespaces = ["azure-native", "pulumi"] as const;

/**
 * The keys the azure-native provider reads, from the provider package itself (its config module
 * defines one property per key), so the list moves with the pinned provider version.
 */
function azureNativeKeys(): string[] {
    return Object.keys(require("@pulumi/azure-native/config/vars"));
}

/** Problems with keys outside `project`'s namespace; `values` are the stack's keys, decoded. */
export function foreignKeyProblems(values: Readonly<Record<string, unknown>>, project: string): Problem[] {
    const known = [project, ...providerNamespaces];
    const problems: Problem[] = [];
    for (const [fullKey, value] of Object.entries(values)) {
        const separator = fullKey.indexOf(":");
        const namespace = separator < 0 ? "" : fullKey.slice(0, separator);
        const key = fullKey.slice(separator + 1);
        if (namespace === project || namespace === "pulumi") continue;
        if (!known.includes(namespace)) {
            problems.push({
                namespace,
                key,
                value,
                message:
                    `is in namespace "${namespace}", which nothing in this program reads${didYouMean(nearestNames(namespace, known)) || "."} ` +
                    `Namespaces read: ${project} (this project), ${providerNamespaces.join(", ")}`,
            });
        } else if (namespace === "azure-native") {
            const keys = azureNativeKeys();
            if (!keys.includes(key)) {
                problems.push({
                    namespace,
                    key,
                    value,
                    message: `is not a key of the azure-native provider${didYouMean(nearestNames(key, keys)) || "."} Its keys: ${keys.join(", ")}`,
                });
            }
        }
    }
    return problems;
}
