import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { suffixLength } from "../../config/naming/names";
import { StackScope } from "./stackScope";

/**
 * The random suffix of globally unique names, kept in the stack's state: the same on every run,
 * a new one only for a new stack.
 */
export function declareNameSuffix(scope: StackScope): pulumi.Output<string> {
    return new random.RandomString(
        "name-suffix",
        { length: suffixLength, lower: true, upper: false, numeric: true, special: false },
        { protect: scope.config.protectResources },
    ).result;
}
