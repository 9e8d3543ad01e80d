import * as pulumi from "@pulumi/pulumi";
import { LoadedConfig } from "../../config/load";
import { StackConfig } from "../../config/schema";
import { platformTags } from "../../config/azureRules/tagRules";
import { AzureCloud } from "../../runtime/arm/clouds";
import { ScoringRequest } from "../../runtime/scoring/scoringRequest";

/** What every declare-function takes about the stack: its checked config and where it runs. */
export interface StackScope {
    readonly config: StackConfig;
    readonly cloud: AzureCloud;
    /** Model and data paths in config are relative to it. */
    readonly projectDir: string;
    /** `Pulumi.<stack>.yaml`, for messages. */
    readonly stackFile: string;
    /** The stack's tags and the program's own, on every resource. */
    readonly tags: Record<string, string>;
    /** The smoke test's request, read once by config/; present when the stack sends it. */
    readonly smokeRequest?: ScoringRequest;
}

export function stackScope(loaded: LoadedConfig, projectDir: string): StackScope {
    const stack = pulumi.getStack();
    return {
        config: loaded.config,
        cloud: loaded.provider.azureEnvironment,
        projectDir,
        stackFile: `Pulumi.${stack}.yaml`,
        tags: platformTags(loaded.config.tags, stack),
        smokeRequest: loaded.smokeRequest,
    };
}
