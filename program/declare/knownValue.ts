import * as pulumi from "@pulumi/pulumi";

/**
 * An output's value once the engine has it, or undefined when it stays unknown (a preview of a
 * resource that does not exist yet). An `apply` never runs for an unknown value, so awaiting one
 * would hang that preview: every Output carries `isKnown` (output.js), which the SDK's typings
 * leave out.
 */
export async function knownValue<T>(output: pulumi.Output<T>): Promise<T | undefined> {
    const known = await (output as unknown as { isKnown: Promise<boolean> }).isKnown;
    if (!known) return undefined;
    return new Promise<T>((resolve) => {
        output.apply((value) => {
            resolve(value);
            return value;
        });
    });
}
