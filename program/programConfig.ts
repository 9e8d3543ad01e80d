import * as pulumi from "@pulumi/pulumi";
import { LoadedConfig, loadStackConfig } from "../config/load";
import { StackConfigError } from "../config/problems";

/**
 * The running stack's configuration, read from Pulumi and checked; throws before any resource
 * exists. A configuration error is a RunError: the engine shows its message alone, without the
 * stack trace and program source it prints for a crash.
 */
export function programConfig(): LoadedConfig {
    try {
        return readProgramConfig();
    } catch (err) {
        if (err instanceof StackConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
}

function readProgramConfig(): LoadedConfig {
    return loadStackConfig({
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        values: pulumi.runtime.allConfig(),
        // Pulumi runs the program from the project directory; model paths are relative to it.
        projectDir: process.cwd(),
        isSecret: configIsSecret,
    });
}

/**
 * Whether Pulumi holds a key as a secret. The SDK exports this check from its runtime but leaves
 * it out of its typings; without it, fall back to the list the engine hands the program.
 */
function configIsSecret(fullKey: string): boolean {
    const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
    if (runtime.isConfigSecret) return runtime.isConfigSecret(fullKey);
    const listed = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]") as unknown;
    return Array.isArray(listed) && listed.includes(fullKey);
}
