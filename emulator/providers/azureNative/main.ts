/** The `azure-native` provider plugin the engine starts (as `pulumi-resource-azure-native`, see emulator/bin). */
import * as provider from "@pulumi/pulumi/provider";
import { azureNativeProvider } from "./azureNativeProvider";
import { answerWithDetailedDiffs } from "./detailedDiff";

answerWithDetailedDiffs();
void provider.main(azureNativeProvider(), process.argv.slice(2));
