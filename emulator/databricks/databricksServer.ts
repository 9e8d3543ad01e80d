import { timingSafeEqual } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { DatabricksError, sendError, sendJson, unauthenticated } from "./errors";
import { WorkspaceRequest } from "./request";
import { ServingDataPlane, maxPayloadBytes } from "./servingDataPlane";
import { DatabricksWorkspace } from "./workspace";

export interface DatabricksServerOptions {
    /** The bearer token every request must carry (`dbx-<emulator token>`, what the stand-in `az` hands out for Azure Databricks). */
    readonly token: string;
    /** The workspace a host names, if any. */
    readonly workspace: (host: string) => DatabricksWorkspace | undefined;
}

/** Largest body of any other request (artifact uploads through MLflow included). */
const maxApiBodyBytes = 1024 * 1024 * 1024;

/**
 * One HTTP server on 127.0.0.1 for every Databricks workspace of the run, a workspace's host the
 * first path segment (`http://127.0.0.1:<port>/<host>/api/2.0/...`, as
 * runtime/databricks/workspaceUrl.ts resolves `DATABRICKS_EMULATOR_URL`): a host no workspace has
 * is 404 NOT_FOUND; a request without the Azure Databricks token is 401 UNAUTHENTICATED (Azure
 * Databricks takes Entra tokens for its own application id only); a serving request over 16 MB is
 * 400. Errors are Databricks' `{"error_code", "message"}`.
 */
export class DatabricksServer {
    url = "";
    private readonly server: http.Server;

    constructor(private readonly options: DatabricksServerOptions) {
        this.server = http.createServer((req, res) => {
            this.handle(req, res).catch((err: Error) => {
                const known = err instanceof DatabricksError ? err : new DatabricksError(500, "INTERNAL_ERROR", err.message);
                if (!res.headersSent) sendError(res, known);
                else res.end();
            });
        });
        // Clients keep connections alive between calls (fetch, axios). Node closes an idle one
        // after 5 s, and when this process is busy (an environment build, a loaded machine) that
        // close can cross a request already sent on it: the client sees ECONNRESET. Azure's front
        // doors keep idle connections for minutes; so does this server.
        this.server.keepAliveTimeout = 120_000;
        this.server.headersTimeout = 125_000;
    }

    async start(): Promise<this> {
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(0, "127.0.0.1", resolve);
        });
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", "http://localhost");
        const [, host = "", ...rest] = url.pathname.split("/");
        const workspace = this.options.workspace(host.toLowerCase());
        if (!workspace) {
            req.resume();
            return sendJson(res, 404, { error_code: "NOT_FOUND", message: `workspace ${host} does not exist` });
        }
        if (!this.authorized(req.headers.authorization)) {
            req.resume();
            throw unauthenticated("Invalid access token: send Authorization: Bearer <an Entra token for Azure Databricks (2ff814a6-3304-4ab8-85cb-cd0e6f879c1d)>.");
        }
        const path = `/${rest.join("/")}`;
        const limit = ServingDataPlane.route(path) ? maxPayloadBytes : maxApiBodyBytes;
        const body = await readBody(req, limit);
        const request: WorkspaceRequest = { method: req.method ?? "GET", path, query: url.searchParams, headers: req.headers, body };
        const answer = await workspace.handle(request, res);
        if (answer !== undefined && !res.headersSent) sendJson(res, 200, answer);
    }

    private authorized(authorization: string | undefined): boolean {
        const given = Buffer.from(authorization ?? "");
        const expected = Buffer.from(`Bearer ${this.options.token}`);
        return given.length === expected.length && timingSafeEqual(given, expected);
    }
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let over = false;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) over = true;
            else chunks.push(chunk);
        });
        // Read to the end either way, so the refusal reaches the caller.
        req.on("end", () => (over ? reject(new DatabricksError(400, "BAD_REQUEST", `The request body is over ${limit / 1024 / 1024} MB, the largest a serving endpoint takes.`)) : resolve(Buffer.concat(chunks))));
        req.on("error", reject);
    });
}
