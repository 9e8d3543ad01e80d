import { createHash } from "crypto";
import { ModelRequirements, pythonMinor } from "../../config/folders/modelRequirements";


/**
 * The identity of an environment: the Python minor version, the model's pip requirements (order
 * and duplicates aside) and the inference server's pinned requirements. Models with the same
 * requirements share one environment; any change makes a new one.
 */
export function environmentHash(requirements: ModelRequirements, pythonUsed: string, serverRequirements: string): string {
    const pip = [...new Set(requirements.pip.map((line) => line.replace(/\s+/g, "")))].sort();
    return createHash("sha256")
        .update(JSON.stringify({ python: pythonMinor(pythonUsed), pip, server: serverRequirements }))
        .digest("hex")
        .slice(0, 16);
}

