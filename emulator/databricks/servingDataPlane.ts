import * as http from "http";
import { chooseDeployment } from "../inference/weightedChoice";
import { DatabricksError, doesNotExist } from "./errors";
import { WorkspaceRequest } from "./request";
import { ServedEntity } from "./servedEntity";
import { ServingEndpoints } from "./servingEndpoints";

/** One request a served entity answered (or failed to). */
export interface ServingRequestRecord {
    readonly workspace: string;
    readonly endpoint: string;
    readonly entity: string;
    /** When the answer ended (ms since the epoch). */
    readonly at: number;
    /** The status the entity's server answered (0: no answer). */
    readonly status: number;
    readonly latencyMs: number;
}

/** Largest request body a serving endpoint takes: 16 MB (Databricks model-serving limits). */
export const maxPayloadBytes = 16 * 1024 * 1024;
/** Requests kept for inspection; older ones are dropped first. */
const maxLoggedRequests = 100_000;
/** MLflow's scoring server gives up after 60 s by default (MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT); a little more here. */
const upstreamTimeoutMs = 120_000;

/**
 * A workspace's serving data plane (`/serving-endpoints/{name}/invocations`, no `/api/2.0`):
 * a request goes to a served entity of the live config, chosen by the routes' weights
 * (../inference/weightedChoice.ts), or to the one the path names
 * (`/serving-endpoints/{name}/served-models/{entity}/invocations`); its body and content type go
 * to that entity's MLflow scoring server unchanged, and the server's status, content type and
 * body come back, with the header `served-model-name: <entity>` (databricks-sdk-py
 * `QueryEndpointResponse.served_model_name`). Unknown endpoint or entity: 404; no live config (or
 * every route at 0%): 503. Every answered request is counted in its entity's metrics.
 */
export class ServingDataPlane {
    /** Every request an entity answered, oldest first. */
    readonly requestLog: ServingRequestRecord[] = [];

    constructor(
        private readonly host: string,
        private readonly endpoints: ServingEndpoints,
        private readonly random: () => number = Math.random,
    ) {}

    /** Whether a path is the data plane's, and which endpoint and entity it names. */
    static route(pathOnly: string): { readonly endpoint: string; readonly entity?: string } | undefined {
        const match = /^\/serving-endpoints\/([^/]+)(?:\/served-models\/([^/]+))?\/invocations$/.exec(pathOnly);
        return match ? { endpoint: decodeURIComponent(match[1]), entity: match[2] && decodeURIComponent(match[2]) } : undefined;
    }

    async handle(req: WorkspaceRequest, res: http.ServerResponse, target: { readonly endpoint: string; readonly entity?: string }): Promise<void> {
        if (req.method !== "POST") throw new DatabricksError(405, "BAD_REQUEST", "Invocations take POST.");
        const live = this.endpoints.live(target.endpoint);
        if (!live) throw doesNotExist(`Endpoint with name '${target.endpoint}' does not exist.`);
        const config = live.config;
        if (!config) throw new DatabricksError(503, "TEMPORARILY_UNAVAILABLE", `Endpoint ${target.endpoint} is not ready: it has no config serving yet.`);
        let entity: ServedEntity | undefined;
        if (target.entity !== undefined) {
            entity = config.entities.find((e) => e.name === target.entity);
            if (!entity) throw doesNotExist(`Served entity ${target.entity} does not exist on endpoint ${target.endpoint}.`);
        } else {
            const chosen = chooseDeployment(Object.fromEntries(config.routes.map((r) => [r.served_model_name, r.traffic_percentage])), this.random());
            entity = config.entities.find((e) => e.name === chosen);
            if (!entity) throw new DatabricksError(503, "TEMPORARILY_UNAVAILABLE", `Endpoint ${target.endpoint} routes no traffic.`);
        }
        await this.forward(target.endpoint, entity, req, res);
    }

    private forward(endpoint: string, entity: ServedEntity, req: WorkspaceRequest, res: http.ServerResponse): Promise<void> {
        const running = entity.running;
        const started = Date.now();
        entity.inFlight++;
        return new Promise<void>((resolve) => {
            let finished = false;
            const done = (status: number) => {
                if (finished) return;
                finished = true;
                entity.inFlight--;
                const at = Date.now();
                entity.stats.record(status, at - started);
                this.requestLog.push({ workspace: this.host, endpoint, entity: entity.name, at, status, latencyMs: at - started });
                if (this.requestLog.length > maxLoggedRequests) this.requestLog.splice(0, this.requestLog.length - maxLoggedRequests);
                resolve();
            };
            const failed = (message: string) => {
                if (finished) return;
                if (!res.headersSent) res.writeHead(502, { "Content-Type": "application/json", "served-model-name": entity.name });
                res.end(JSON.stringify({ error_code: "INTERNAL_ERROR", message }));
                done(0);
            };
            if (!running) return failed(`served entity ${entity.name} has no server running`);
            const headers: http.OutgoingHttpHeaders = { "content-length": req.body.length };
            // The token is the workspace's; the scoring server sees only the payload's headers.
            if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
            if (req.headers.accept) headers.accept = req.headers.accept;
            const upstream = http.request(`${running.url}/invocations`, { method: "POST", headers, timeout: upstreamTimeoutMs }, (answer) => {
                const chunks: Buffer[] = [];
                answer.on("data", (chunk: Buffer) => chunks.push(chunk));
                answer.on("error", () => failed(`served entity ${entity.name} broke off its answer`));
                answer.on("end", () => {
                    const status = answer.statusCode ?? 502;
                    const out: http.OutgoingHttpHeaders = { "served-model-name": entity.name };
                    if (answer.headers["content-type"]) out["content-type"] = answer.headers["content-type"];
                    res.writeHead(status, out).end(Buffer.concat(chunks));
                    done(status);
                });
            });
            upstream.on("timeout", () => upstream.destroy(new Error(`no answer within ${upstreamTimeoutMs / 1000} s`)));
            upstream.on("error", (err) => failed(`served entity ${entity.name} did not answer: ${err.message}`));
            upstream.end(req.body);
        });
    }
}
