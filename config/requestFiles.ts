import * as path from "path";
import { RequestFormat, ScoringRequest, readScoringRequest } from "../runtime/scoring/scoringRequest";
import { StackConfig } from "./schema";

/**
 * The stack's request files, each read once: the rules check the smoke test's request (it must
 * parse and carry every column the deployed models need), and the program sends the same text,
 * byte for byte, as the smoke test's, the pre-traffic probe's and the rollout's synthetic load's.
 */
export class RequestFiles {
    private readonly read = new Map<string, ScoringRequest | Error>();

    /** `format`: the serving contract the stack's platform speaks (Azure ML's, or MLflow's on Databricks). */
    constructor(
        private readonly projectDir: string,
        private readonly format: RequestFormat = "azureml",
    ) {}

    /** The request in `file` (relative to the project); throws what is wrong with it, every time. */
    request(file: string): ScoringRequest {
        const absolute = path.resolve(this.projectDir, file);
        if (!this.read.has(absolute)) {
            try {
                this.read.set(absolute, readScoringRequest(absolute, this.format));
            } catch (err) {
                this.read.set(absolute, err as Error);
            }
        }
        const reading = this.read.get(absolute)!;
        if (reading instanceof Error) throw reading;
        return reading;
    }
}

/** Whether the stack sends the smoke test's request at all: a smoke test, or a rollout's synthetic load. */
export function sendsSmokeRequest(config: StackConfig): boolean {
    if (config.platform === "databricks") return config.databricks !== undefined && (config.smokeTest.enabled || config.databricks.servingEndpoint.rollout?.loadRequestsPerSecond !== undefined);
    const online = config.onlineEndpoint;
    return online !== undefined && (config.smokeTest.enabled || online.rollout?.loadRequestsPerSecond !== undefined);
}
