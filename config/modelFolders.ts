import * as path from "path";
import { modelVersionKey } from "./modelVersionKey";
import { StackConfig } from "./schema";

/** Each declared model version's folder (absolute), by `name:version`: what deployments name. */
export function modelFolders(config: StackConfig, projectDir: string): Map<string, string> {
    return new Map(config.models.map((m) => [modelVersionKey(m.name, m.version), path.resolve(projectDir, m.path)]));
}
