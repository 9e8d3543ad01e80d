import { LoadedConfig } from "../config/load";
import { AzureMlPlatform, declareAzureMlPlatform } from "./azureMlPlatform";
import { DatabricksPlatform, declareDatabricksPlatform } from "./databricks/databricksPlatform";

export type Platform = AzureMlPlatform | DatabricksPlatform;

/**
 * The composition root: the whole platform from a checked configuration, on the serving target the
 * stack names (`platform`): Azure Machine Learning (./azureMlPlatform.ts) or Azure Databricks
 * (./databricks/).
 */
export async function declarePlatform(loaded: LoadedConfig, projectDir: string = process.cwd()): Promise<Platform> {
    return loaded.config.platform === "databricks" ? declareDatabricksPlatform(loaded, projectDir) : declareAzureMlPlatform(loaded, projectDir);
}
