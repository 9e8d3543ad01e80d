import * as http from "http";
import { LoopbackServer, sendJson } from "./loopbackServer";

export interface BatchScript {
    readonly method?: "GET" | "POST";
    readonly status: number;
    readonly headers?: Record<string, string>;
    readonly body?: unknown;
}

/**
 * A local stand-in for a batch endpoint's scoring URI: POST /jobs submits a job (Entra bearer
 * token required), GET /jobs/<name> reports its status, moving through `statuses` one poll at a
 * time. Scripted answers model Azure's refusals (401, 429).
 */
export class FakeBatch extends LoopbackServer {
    readonly submissions: { body: any; deployment?: string; authorization?: string }[] = [];
    readonly script: BatchScript[] = [];
    /** Statuses a job reports on successive polls; the last one sticks. */
    statuses: string[] = ["Preparing", "Running", "Running", "Completed"];
    /** Body fields of the job when it fails (e.g. `{ error: { code, message } }`). */
    failure: Record<string, unknown> = {};
    expectedToken = "entra-token";
    polls = 0;

    get scoringUri(): string {
        return `${this.url}/jobs`;
    }

    protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => sendJson(res, status, body, headers);
        const scripted = this.script.findIndex((s) => !s.method || s.method === req.method);
        if (scripted >= 0) {
            const [answer] = this.script.splice(scripted, 1);
            return send(answer.status, answer.body ?? {}, answer.headers);
        }
        if (req.headers.authorization !== `Bearer ${this.expectedToken}`) {
            return send(401, { error: { code: "Unauthorized", message: "Invalid or expired token." } });
        }
        if (req.method === "POST" && req.url === "/jobs") {
            this.submissions.push({
                body: JSON.parse(raw),
                deployment: req.headers["azureml-model-deployment"] as string | undefined,
                authorization: req.headers.authorization,
            });
            return send(200, { id: `/jobs/batchjob-${this.submissions.length}`, name: `batchjob-${this.submissions.length}`, properties: { status: "NotStarted" } });
        }
        const poll = /^\/jobs\/(batchjob-\d+)$/.exec(req.url ?? "");
        if (req.method === "GET" && poll) {
            const status = this.statuses[Math.min(this.polls++, this.statuses.length - 1)];
            return send(200, { name: poll[1], properties: { status, ...(status === "Failed" ? this.failure : {}) } });
        }
        send(404, { error: { code: "NotFound", message: `no route ${req.method} ${req.url}` } });
    }
}
