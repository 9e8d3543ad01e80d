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
 * A local stand-in for a managed online endpoint's scoring URI: POST /score with the
 * `input_data` body and a bearer credential; answers a bare JSON array, one prediction per row
 * (1 when bmi > 0, else 0, per deployment), 401 for a wrong credential; scripted answers model
 * Azure's failures.
 */
export class FakeScoring extends LoopbackServer {
    readonly calls: ScoringCall[] = [];
    readonly script: ScoringScript[] = [];
    /** The bearer credential required; undefined: none (an inference server behind a router). */
    expectedKey: string | undefined = "endpoint-primary-key";
    get scoringUri(): string {
        return `${this.url}/score`;
    }

    protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
        const deployment = req.headers["azureml-model-deployment"] as string | undefined;
        let rows: number[][] = [];
        let columns: string[] = [];
        try {
            const body = JSON.parse(raw);
            rows = body.input_data.data;
            columns = body.input_data.columns;
        } catch {
            // answered below as a bad request
        }
        this.calls.push({ deployment, authorization: req.headers.authorization, rows: rows.length });
        const index = this.script.findIndex((s) => s.deployment === undefined || s.deployment === deployment);
        const scripted = index >= 0 ? this.script.splice(index, 1)[0] : undefined;
        if (scripted?.hang) return this.holdForever(res);
        const answer = () => {
            if (scripted?.status !== undefined || scripted?.body !== undefined) {
                res.writeHead(scripted.status ?? 200, { "Content-Type": "application/json", ...scripted.headers });
                res.end(scripted.body ?? "");
                return;
            }
            if (req.url !== "/score" || req.method !== "POST") {
                res.writeHead(404).end();
                return;
            }
            if (this.expectedKey !== undefined && req.headers.authorization !== `Bearer ${this.expectedKey}`) {
                res.writeHead(401, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "Invalid authentication." }));
                return;
            }
            if (rows.length === 0) {
                res.writeHead(400, { "Content-Type": "application/json", "ms-azureml-model-error-reason": "model_error" });
                res.end(JSON.stringify({ message: "input_data is required" }));
                return;
            }
            const bmi = columns.indexOf("bmi");
            const predictions = rows.map((row) => (Number(row[bmi]) > 0 ? 1 : 0));
            res.writeHead(200, { "Content-Type": "application/json", "azureml-model-deployment": deployment ?? "blue" });
            res.end(JSON.stringify(predictions));
        };
        if (scripted?.delayMs) setTimeout(answer, scripted.delayMs);
        else answer();
    }
}
