/** The `databricks` provider plugin the engine starts (as `pulumi-resource-databricks`, see emulator/bin). */
import * as provider from "@pulumi/pulumi/provider";
import { answerWithDetailedDiffs } from "../azureNative/detailedDiff";
import { databricksProvider } from "./databricksProvider";
import { interceptEngineRequests } from "./engineRequests";
import { ProviderConfig, configFrom } from "./providerConfig";

// One plugin process serves one provider instance (the engine starts one per provider resource):
// the configuration Configure carried is this process's.
let config: ProviderConfig = {};
answerWithDetailedDiffs();
interceptEngineRequests((values) => {
    config = configFrom(values);
});
void provider.main(databricksProvider(() => config), process.argv.slice(2));
