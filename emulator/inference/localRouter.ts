import * as http from "http";
import httpProxy from "http-proxy";
import { AddressInfo } from "net";
import { Readable } from "stream";
import { timingSafeEqual } from "crypto";
import { chooseDeployment, mirrors } from "./weightedChoice";

/** Where a router sends requests, and whom it lets in: may change while it runs. */
export interface Routing {
    /** Base URL of each deployment's inference server, by deployment name. */
    readonly deployments: Readonly<Record<string, string>>;
    /** Percent of live traffic per deployment, as on the stack's endpoint. */
    readonly traffic: Readonly<Record<string, number>>;
    /** Percent of live traffic copied to a deployment (its answers are discarded). */
    readonly mirrorTraffic: Readonly<Record<string, number>>;
    /** The endpoint key callers must present as `Authorization: Bearer <key>`. */
    readonly key: string;
    /** Other credentials taken as well (a secondary key, a token). */
    readonly otherCredentials?: readonly string[];
}

export interface LocalRouterOptions extends Routing {
    /** Uniform random numbers in [0, 1); tests pass a seeded generator. */
    readonly random?: () => number;
    /** Port on 127.0.0.1 (0: any free port). */
    readonly port?: number;
}

export interface RouterCounters {
    /** Live requests answered, by deployment. */
    readonly served: Record<string, number>;
    /** Copies sent to mirror deployments, by deployment. */
    readonly mirrored: Record<string, number>;
    readonly unauthorized: number;
}

/** One request a deployment answered, as Azure Monitor counts it for the endpoint's metrics. */
export interface RequestRecord {
    /** When the answer ended (ms since the epoch). */
    readonly at: number;
    readonly deployment: string;
    /** HTTP status the deployment answered (0: no answer). */
    readonly status: number;
    readonly latencyMs: number;
}

/** Requests kept for metrics: about an hour at a few dozen a second; older ones are dropped first. */
const maxLoggedRequests = 100_000;

/** Largest request body accepted, as a guard for a local tool (Azure's own limit is higher). */
const maxBodyBytes = 25 * 1024 * 1024;

/**
 * A local stand-in for a managed online endpoint's front door, in front of one inference server
 * per deployment: key authentication, the `azureml-model-deployment` header that pins a
 * deployment (bypassing traffic and mirroring), weighted traffic, and mirror traffic whose
 * answers are thrown away. Forwarding is done by http-proxy; only the routing is ours.
 */
export class LocalRouter {
    private readonly server: http.Server;
    private readonly proxy = httpProxy.createProxyServer({ xfwd: false, proxyTimeout: 180_000 });
    private readonly random: () => number;
    private readonly counters = { served: {} as Record<string, number>, mirrored: {} as Record<string, number>, unauthorized: 0 };
    private readonly pendingMirrors = new Set<Promise<void>>();
    /** Every request a deployment answered (live, pinned and mirrored), oldest first. */
    readonly requestLog: RequestRecord[] = [];
    url = "";
    private routing: Routing;

    constructor(private readonly options: LocalRouterOptions) {
        this.routing = options;
        this.random = options.random ?? Math.random;
        this.server = http.createServer((req, res) => void this.handle(req, res));
        this.proxy.on("error", (err, _req, res) => {
            const response = res as http.ServerResponse;
            if (!response.headersSent) json(response, 502, { message: `inference server unavailable: ${err.message}` });
            else response.end();
        });
    }

    /** Routes from now on as `routing` says (an endpoint's deployments, traffic or auth changed). */
    reroute(routing: Routing): void {
        this.routing = routing;
    }

    get scoringUri(): string {
        return `${this.url}/score`;
    }

    get stats(): RouterCounters {
        return { served: { ...this.counters.served }, mirrored: { ...this.counters.mirrored }, unauthorized: this.counters.unauthorized };
    }

    async start(): Promise<this> {
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(this.options.port ?? 0, "127.0.0.1", resolve);
        });
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        await Promise.allSettled([...this.pendingMirrors]);
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
        this.proxy.close();
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const path = (req.url ?? "/").split("?")[0];
        const routing = this.routing;
        if (req.method === "GET" && path === "/") return json(res, 200, { status: "Healthy", deployments: Object.keys(routing.deployments).sort() });
        if (path !== "/score" && path !== "/swagger.json") return json(res, 404, { message: `no route ${req.method} ${path}` });
        if (!this.authorized(req.headers.authorization)) {
            this.counters.unauthorized++;
            return json(res, 401, { message: "Unauthorized: send Authorization: Bearer <endpoint key>" });
        }

        const pinned = header(req, "azureml-model-deployment");
        if (pinned !== undefined && !(pinned in routing.deployments)) {
            return json(res, 404, { message: `deployment ${pinned} does not exist on this endpoint` });
        }
        const target = pinned ?? chooseDeployment(routing.traffic, this.random());
        if (target === undefined) return json(res, 404, { message: "no valid deployments to route to: every deployment has 0% traffic" });

        let body: Buffer;
        try {
            body = await readBody(req);
        } catch (err) {
            return json(res, 413, { message: (err as Error).message });
        }
        if (pinned === undefined && req.method === "POST") this.mirror(routing, req, body);

        this.counters.served[target] = (this.counters.served[target] ?? 0) + 1;
        const started = Date.now();
        res.on("finish", () => this.log(target, res.statusCode, started));
        res.setHeader("azureml-model-deployment", target);
        // The key is for this front door only; the inference servers behind it never see it.
        delete req.headers.authorization;
        this.proxy.web(req, res, { target: routing.deployments[target], buffer: Readable.from([body]) });
    }

    /** Copies a live request to the mirror deployment, for its share of traffic; its answer is dropped. */
    private mirror(routing: Routing, req: http.IncomingMessage, body: Buffer): void {
        for (const [deployment, percent] of Object.entries(routing.mirrorTraffic)) {
            if (!mirrors(percent, this.random())) continue;
            this.counters.mirrored[deployment] = (this.counters.mirrored[deployment] ?? 0) + 1;
            const started = Date.now();
            const copy = new Promise<void>((resolve) => {
                const upstream = http.request(
                    `${routing.deployments[deployment]}${req.url ?? "/score"}`,
                    { method: req.method, headers: { "content-type": req.headers["content-type"] ?? "application/json" }, timeout: 30_000 },
                    (answer) => {
                        this.log(deployment, answer.statusCode ?? 0, started);
                        answer.resume().on("end", resolve).on("error", () => resolve());
                    },
                );
                upstream.on("error", () => {
                    this.log(deployment, 0, started);
                    resolve();
                });
                upstream.on("timeout", () => upstream.destroy());
                upstream.end(body);
            });
            this.pendingMirrors.add(copy);
            void copy.finally(() => this.pendingMirrors.delete(copy));
        }
    }

    private log(deployment: string, status: number, started: number): void {
        const at = Date.now();
        this.requestLog.push({ at, deployment, status, latencyMs: at - started });
        if (this.requestLog.length > maxLoggedRequests) this.requestLog.splice(0, this.requestLog.length - maxLoggedRequests);
    }

    private authorized(authorization: string | undefined): boolean {
        const given = Buffer.from(authorization ?? "");
        return [this.routing.key, ...(this.routing.otherCredentials ?? [])].some((credential) => {
            const expected = Buffer.from(`Bearer ${credential}`);
            return given.length === expected.length && timingSafeEqual(given, expected);
        });
    }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
    const value = req.headers[name];
    return typeof value === "string" && value !== "" ? value : undefined;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBodyBytes) {
                reject(new Error(`request body over ${maxBodyBytes} bytes`));
                req.destroy();
            } else chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}
