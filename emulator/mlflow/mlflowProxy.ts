import * as http from "http";
import { MlflowRequest } from "../arm/armServer";

/** An answer of the MLflow server, read whole. */
export interface MlflowAnswer {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: Buffer;
}

/** The MLflow REST paths Azure ML serves at a tracking URI: tracking, registry and artifacts (no UI). */
const servedPaths = /^\/(api|ajax-api)\/2\.0\/(mlflow|mlflow-artifacts)\//;

export function isServedPath(path: string): boolean {
    return servedPaths.test(path);
}

/** Hands a request to the MLflow server as it came (without the caller's token), and reads its answer. */
export function forward(serverUrl: string, request: MlflowRequest, body: Buffer = request.body): Promise<MlflowAnswer> {
    const url = new URL(request.path, serverUrl);
    const headers: http.OutgoingHttpHeaders = {};
    for (const name of ["content-type", "accept", "user-agent"]) if (request.headers[name]) headers[name] = request.headers[name];
    headers["content-length"] = body.length;
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method: request.method, headers, timeout: 600_000 }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error("the MLflow server did not answer within 600 s")));
        req.on("error", reject);
        req.end(body);
    });
}

/** Sends an answer of the server on to the caller. */
export function relay(answer: MlflowAnswer, res: http.ServerResponse): void {
    const headers: http.OutgoingHttpHeaders = {};
    for (const name of ["content-type", "content-disposition"]) if (answer.headers[name]) headers[name] = answer.headers[name];
    res.writeHead(answer.status, headers).end(answer.body);
}

/** An error as MLflow's REST API answers one (`{"error_code", "message"}`). */
export function mlflowError(res: http.ServerResponse, status: number, errorCode: string, message: string): void {
    res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ error_code: errorCode, message }));
}

/** A JSON call to the MLflow server's REST API (for keeping the registry one with ARM's). */
export async function callMlflow(serverUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const answer = await fetch(`${serverUrl}/api/2.0/mlflow/${path}`, {
        method,
        headers: { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
    });
    const text = await answer.text();
    let json: any;
    try {
        json = text ? JSON.parse(text) : {};
    } catch {
        json = { message: text };
    }
    return { status: answer.status, json };
}
