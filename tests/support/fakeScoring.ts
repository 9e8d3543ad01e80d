import * as http from "http";
import { LoopbackServer } from "./loopbackServer";

export interface ScoringScript {
    /** Only for requests carrying this `azureml-model-deployment` header. */
    readonly deployment?: string;
    readonly status?: number;
    readonly headers?: Record<string, string>;
    /** Raw body to send; default: a JSON array with one prediction per row. */
    readonly body?: string;
    /** Never answer. */
    readonly hang?: boolean;
    /** Answer after this many milliseconds. */
    readonly delayMs?: number;
}

export interface ScoringCall {
    readonly deployment?: string;
    readonly authorization?: string;
    readonly rows: number;
}

/**
 * What the fake stands in for: a managed online endpoint's scoring URI (Azure's front end: auth,
 * routing by traffic or header, a model's refusal wrapped in a 424), or one deployment's inference
 * server behind a router (the model's own answers, no auth).
 */
export type ScoringRole = "endpoint" | "inferenceServer";

/**
 * A local stand-in for scoring: POST /score with the `input_data` body; the model answers a bare
 * JSON array, one prediction per row (1 when bmi > 0, else 0), and refuses input without a numeric
 * `bmi` column with a 400. As an endpoint it is as strict as Azure (troubleshoot-online-endpoints):
 * 401 for a wrong credential; 404 for an `azureml-model-deployment` header naming no deployment;
 * 404 "no valid deployments to route to" when no deployment has live traffic and no header pins
 * one; a model's refusal comes back as 424 with `ms-azureml-model-error-statuscode`. Scripted
 * answers model Azure's other failures.
 */
export class FakeScoring extends LoopbackServer {
    readonly calls: ScoringCall[] = [];
    /** Each request's body exactly as it arrived. */
    readonly rawBodies: string[] = [];
    readonly script: ScoringScript[] = [];
    /** The bearer credential required; undefined: none. */
    expectedKey: string | undefined;
    /** The endpoint's deployments (endpoint role). */
    deployments: string[] = ["blue", "green"];
    /** Live traffic per deployment (endpoint role). */
    traffic: Record<string, number> = { blue: 100 };

    constructor(readonly role: ScoringRole = "endpoint") {
        super();
        this.expectedKey = role === "endpoint" ? "endpoint-primary-key" : undefined;
    }

    get scoringUri(): string {
        return `${this.url}/score`;
    }

    protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
        const deployment = req.headers["azureml-model-deployment"] as string | undefined;
        let rows: unknown[][] = [];
        let columns: string[] = [];
        try {
            const body = JSON.parse(raw);
            rows = body.input_data.data;
            columns = body.input_data.columns;
        } catch {
            // refused below as input the model cannot read
        }
        this.rawBodies.push(raw);
        this.calls.push({ deployment, authorization: req.headers.authorization, rows: Array.isArray(rows) ? rows.length : 0 });
        const index = this.script.findIndex((s) => s.deployment === undefined || s.deployment === deployment);
        const scripted = index >= 0 ? this.script.splice(index, 1)[0] : undefined;
        if (scripted?.hang) return this.holdForever(res);
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
            res.writeHead(status, { "Content-Type": "application/json", ...headers });
            res.end(typeof body === "string" ? body : JSON.stringify(body));
        };
        const answer = () => {
            if (scripted?.status !== undefined || scripted?.body !== undefined) {
                return send(scripted.status ?? 200, scripted.body ?? "", scripted.headers);
            }
            if (req.url !== "/score" || req.method !== "POST") return send(404, "");
            if (this.expectedKey !== undefined && req.headers.authorization !== `Bearer ${this.expectedKey}`) {
                return send(401, { message: "Invalid authentication." });
            }
            const served = this.role === "endpoint" ? this.route(deployment) : { deployment: deployment ?? "blue" };
            if ("refusal" in served) return send(404, { message: served.refusal });
            const refusal = modelRefusal(rows, columns);
            if (refusal) {
                // The model's 400; Azure's front end passes it on as a 424 naming the model's status.
                return this.role === "endpoint"
                    ? send(424, { message: refusal }, { "ms-azureml-model-error-statuscode": "400", "ms-azureml-model-error-reason": "model_error", "azureml-model-deployment": served.deployment })
                    : send(400, { message: refusal });
            }
            const bmi = columns.indexOf("bmi");
            send(200, rows.map((row) => (Number(row[bmi]) > 0 ? 1 : 0)), { "azureml-model-deployment": served.deployment });
        };
        if (scripted?.delayMs) setTimeout(answer, scripted.delayMs);
        else answer();
    }

    /** The deployment a request goes to, as Azure picks it, or why there is none. */
    private route(header: string | undefined): { deployment: string } | { refusal: string } {
        if (header !== undefined) {
            const named = this.deployments.find((d) => d.toLowerCase() === header.toLowerCase());
            return named ? { deployment: named } : { refusal: `No deployment named ${header} on this endpoint.` };
        }
        const live = Object.entries(this.traffic).filter(([, weight]) => weight > 0);
        if (live.length === 0) return { refusal: "No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route." };
        let pick = Math.random() * live.reduce((sum, [, weight]) => sum + weight, 0);
        for (const [name, weight] of live) if ((pick -= weight) < 0) return { deployment: name };
        return { deployment: live[live.length - 1][0] };
    }
}

/** Why the fake model cannot score this input, if it cannot. */
function modelRefusal(rows: unknown, columns: unknown): string | undefined {
    if (!Array.isArray(rows) || rows.length === 0 || !Array.isArray(columns)) return "input_data with columns and at least one row is required";
    const bmi = columns.indexOf("bmi");
    if (bmi < 0) return "Model is missing inputs ['bmi']";
    const bad = rows.findIndex((row) => !Array.isArray(row) || typeof row[bmi] !== "number");
    return bad >= 0 ? `Incompatible input types for column bmi in row ${bad}` : undefined;
}
