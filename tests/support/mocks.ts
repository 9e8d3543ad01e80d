import { installMocks as install } from "../../lib/offline/recordingMocks";
import { projectName } from "./stackFile";

export * from "../../lib/offline/recordingMocks";

/** Fresh mocks for this project (see lib/offline/recordingMocks). */
export function installMocks(config: Record<string, string>, stack = "dev") {
    return install(config, projectName, stack);
}
