import { installMocks as install } from "../../tools/plan/recordingMocks";
import { projectName } from "./stackFile";

export * from "../../tools/plan/recordingMocks";

/** Fresh mocks for this project (see tools/plan/recordingMocks). */
export function installMocks(config: Record<string, string>, stack = "dev") {
    return install(config, projectName, stack);
}
