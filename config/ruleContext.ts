import { AzureCatalog, AzureCloud } from "./azureCatalog/catalog";
import { RequestFiles } from "./requestFiles";

/** What the rules may look at beyond the stack file: the project, its Azure cloud, the catalog, the request files. */
export interface RuleContext {
    readonly projectDir: string;
    /** The stack's Azure cloud (`azure-native:environment`): it decides which regions exist. Unknown: not checked. */
    readonly cloud: AzureCloud | undefined;
    readonly catalog: AzureCatalog;
    /** The request files the rules check, read once for the rules and the program. */
    readonly requests: RequestFiles;
}
