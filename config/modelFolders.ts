import { modelVersionKey } from "./modelVersionKey";
import { modelSourceOf } from "./modelSources";
import { StackConfig } from "./schema";

/** The folder (absolute) of each model version registered from this repository, by `name:version`. */
export function modelFolders(config: StackConfig, projectDir: string): Map<string, string> {
    return new Map(
        config.models.flatMap((m) => {
            const source = modelSourceOf(m, projectDir);
            return source?.kind === "folder" ? [[modelVersionKey(m.name, m.version), source.dir] as const] : [];
        }),
    );
}
