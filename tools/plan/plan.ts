import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { DeclaredResource, declareInStack, installMocks } from "./recordingMocks";
import { projectNameIn, readStackConfig, toPulumiValues } from "../stacks/stackFile";

export interface OfflinePlan {
    readonly stack: string;
    readonly resources: readonly DeclaredResource[];
    /** The stack's exports, with placeholders where Azure would compute a value. */
    readonly outputs: Record<string, unknown>;
}

/**
 * Runs the program for a committed stack in-process, without the Pulumi engine or Azure, and
 * returns what it declares: the same validation, names and resource graph `pulumi preview`
 * would see. Azure-computed values (ids, GUIDs, URIs) are placeholders.
 */
export async function planStack(projectDir: string, stack: string): Promise<OfflinePlan> {
    const values = toPulumiValues(readStackConfig(projectDir, stack));
    const mocks = await installMocks(values, projectNameIn(projectDir), stack);
    let program: Record<string, unknown> = {};
    const outputs = await declareInStack(mocks, () => (program = require(path.join(projectDir, "index"))));
    // Secrets stay hidden here too, as `pulumi stack output` shows them.
    for (const [key, value] of Object.entries(program)) {
        if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) outputs[key] = "[secret]";
    }
    return { stack, resources: mocks.resources, outputs };
}
