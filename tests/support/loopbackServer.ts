import * as http from "http";
import { AddressInfo } from "net";

/**
 * An HTTP server on 127.0.0.1 (any free port) for tests that stand in for Azure. Subclasses
 * answer requests; `holdForever` keeps a response open to model a hung server, released on stop.
 */
export abstract class LoopbackServer {
    /** Base URL, e.g. http://127.0.0.1:PORT. */
    url = "";
    private server?: http.Server;
    private readonly held: http.ServerResponse[] = [];

    async start(): Promise<this> {
        this.server = http.createServer((req, res) => {
            let raw = "";
            req.on("data", (chunk) => (raw += chunk));
            req.on("end", () => this.handle(req, raw, res));
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        for (const res of this.held) res.destroy();
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    }

    protected holdForever(res: http.ServerResponse): void {
        this.held.push(res);
    }

    protected abstract handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
}
