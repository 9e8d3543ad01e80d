import * as path from "path";
import { projectDir } from "./stackFile";

/**
 * The environment the engine's plugins need to reach an ARM server a test started itself (not a
 * whole LocalAzure): the emulator's plugins on PATH, the stand-in `az` for the credential, the
 * server's URL and token, the subscription.
 */
export function pluginEnvironment(armUrl: string, token: string, subscription = "00000000-0000-0000-0000-0000000000e1"): Record<string, string> {
    return {
        PATH: `${path.join(projectDir, "emulator", "bin")}${path.delimiter}${process.env.PATH}`,
        AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
        AZUREML_EMULATOR_TOKEN: token,
        AZUREML_ARM_ENDPOINT: armUrl,
        ARM_SUBSCRIPTION_ID: subscription,
    };
}
