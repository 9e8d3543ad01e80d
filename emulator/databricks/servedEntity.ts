import { RunningEntity } from "./servingBackend";
import { EntityConfig } from "./servingConfig";
import { EntityStats } from "./servingMetrics";

/** A served entity's deployment state (databricks-sdk-py `serving.ServedModelStateDeployment`). */
export type DeploymentState = "DEPLOYMENT_CREATING" | "DEPLOYMENT_READY" | "DEPLOYMENT_FAILED" | "DEPLOYMENT_ABORTED";

/** How long a retired server may finish the requests it is answering before it is stopped. */
const drainMs = 30_000;

/**
 * One served entity and its server. An entity a config update leaves unchanged is the same object
 * in the old and the new config: it keeps its server and its counters.
 */
export class ServedEntity {
    state: DeploymentState = "DEPLOYMENT_CREATING";
    message = "Creating the served entity's environment and starting its server.";
    running?: RunningEntity;
    readonly stats = new EntityStats();
    readonly created = Date.now();
    /** Requests being answered now: a retired server finishes them first. */
    inFlight = 0;
    /** The build log: the environment's build and the server's start, or why they failed. */
    readonly buildLog: string[] = [];

    constructor(readonly config: EntityConfig) {}

    get name(): string {
        return this.config.name;
    }

    ready(running: RunningEntity): void {
        this.running = running;
        this.state = "DEPLOYMENT_READY";
        this.message = "";
    }

    failed(reason: string): void {
        this.state = "DEPLOYMENT_FAILED";
        this.message = reason;
        this.buildLog.push(reason);
    }

    /** Stops its server once the requests it is answering are done (at most 30 s). */
    async retire(): Promise<void> {
        const deadline = Date.now() + drainMs;
        while (this.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        const running = this.running;
        this.running = undefined;
        await running?.stop();
    }
}
