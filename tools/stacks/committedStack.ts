import { LoadedConfig, loadStackConfig } from "../../config/load";
import { projectNameIn, readStackConfig, toPulumiValues } from "./stackFile";

/** A committed stack file's configuration, checked exactly as the program checks it. */
export function loadCommittedStack(projectDir: string, stack: string): LoadedConfig {
    return loadStackConfig({
        project: projectNameIn(projectDir),
        stack,
        values: toPulumiValues(readStackConfig(projectDir, stack)),
        projectDir,
    });
}
