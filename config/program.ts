import * as pulumi from "@pulumi/pulumi";
import { LoadedConfig, loadStackConfig } from "./load";

/** The running stack's configuration, read from Pulumi and checked; throws before any resource exists. */
export function programConfig(): LoadedConfig {
    return loadStackConfig({
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        values: pulumi.runtime.allConfig(),
        // Pulumi runs the program from the project directory; model paths are relative to it.
        projectDir: process.cwd(),
    });
}
