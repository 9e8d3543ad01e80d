import * as http from "http";
import { LoopbackServer, sendJson } from "./loopbackServer";

/** One request the fake Resource Manager received. */
export interface ArmRequest {
    readonly method: string;
    readonly path: string;
    readonly authorization?: string;
    readonly body?: any;
}

/** A canned answer for the next matching request, to script Azure's failures. */
export interface ScriptedAnswer {
    readonly method?: string;
    /** Substring of the path this answer is for. */
    readonly pathIncludes?: string;
    /** HTTP status (ignored when `hang`). */
    readonly status?: number;
    readonly headers?: Record<string, string>;
    readonly body?: unknown;
    /** Never answer (a hung server). */
    readonly hang?: boolean;
}

interface Deployment {
    provisioningState: string;
}

interface Endpoint {
    location: string;
    /** Azure's systemData.lastModifiedAt, moved on by every PUT. */
    lastModifiedAt: string;
    properties: Record<string, any>;
    identity?: Record<string, unknown>;
    tags?: Record<string, string>;
    deployments: Map<string, Deployment>;
}

/**
 * A local stand-in for Azure Resource Manager's Machine Learning endpoints, behaving as the
 * reference describes: PUT answers 201 with Azure-AsyncOperation and the operation is polled
 * through InProgress to Succeeded; traffic may only name existing deployments and must sum to
 * 0 or 100; a PUT without traffic resets it; a deployment with traffic cannot be deleted;
 * requests without the expected bearer token get 401.
 */
export class FakeArm extends LoopbackServer {
    readonly requests: ArmRequest[] = [];
    readonly script: ScriptedAnswer[] = [];
    /** How many polls an operation answers InProgress before its final status. */
    pollsInProgress = 2;
    /** Final status and error body of the next operations (default Succeeded). */
    operationOutcome: { status: string; error?: unknown } = { status: "Succeeded" };
    expectedToken = "test-token";
    /** What `listKeys` and `token` hand out. */
    endpointKey = "endpoint-primary-key";
    amlToken = "aml-access-token";
    private readonly endpoints = new Map<string, Endpoint>();
    private readonly operations = new Map<string, { polls: number; apply: () => void; outcome: { status: string; error?: unknown } }>();
    private nextOperation = 1;
    private clock = Date.parse("2026-11-01T00:00:00Z");

    addEndpoint(id: string, deployments: Record<string, string> = {}, properties: Record<string, any> = {}): void {
        this.endpoints.set(id.toLowerCase(), {
            location: "westeurope",
            lastModifiedAt: this.tick(),
            identity: { type: "SystemAssigned", principalId: "p", tenantId: "t" },
            tags: { stack: "test" },
            properties: {
                authMode: "Key",
                provisioningState: "Succeeded",
                scoringUri: "https://e.westeurope.inference.ml.azure.com/score",
                traffic: {},
                mirrorTraffic: {},
                ...properties,
            },
            deployments: new Map(Object.entries(deployments).map(([name, state]) => [name, { provisioningState: state }])),
        });
    }

    endpoint(id: string): Endpoint {
        const endpoint = this.endpoints.get(id.toLowerCase());
        if (!endpoint) throw new Error(`no endpoint ${id}`);
        return endpoint;
    }

    /** What an update of the endpoint by azure-native amounts to: a full PUT that carries no traffic. */
    updateEndpointWithoutTraffic(id: string, properties: Record<string, unknown>): void {
        const endpoint = this.endpoint(id);
        endpoint.properties = { ...properties, traffic: {}, mirrorTraffic: {}, provisioningState: "Succeeded", scoringUri: endpoint.properties.scoringUri };
        endpoint.lastModifiedAt = this.tick();
    }

    /** Changes made outside Pulumi, e.g. in the portal. */
    setTrafficByHand(id: string, traffic: Record<string, number>): void {
        this.endpoint(id).properties.traffic = traffic;
    }

    protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", this.url);
        const body = raw ? JSON.parse(raw) : undefined;
        this.requests.push({ method: req.method!, path: url.pathname, authorization: req.headers.authorization, body });
        const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => sendJson(res, status, payload, headers);

        const scripted = this.script.findIndex(
            (s) => (!s.method || s.method === req.method) && (!s.pathIncludes || url.pathname.includes(s.pathIncludes)),
        );
        if (scripted >= 0) {
            const [answer] = this.script.splice(scripted, 1);
            if (answer.hang) return this.holdForever(res);
            return send(answer.status ?? 200, answer.body, answer.headers);
        }
        if (req.headers.authorization !== `Bearer ${this.expectedToken}`) {
            return send(401, { error: { code: "InvalidAuthenticationToken", message: "The access token is invalid." } });
        }
        if (url.searchParams.get("api-version") === null && !url.pathname.startsWith("/operations/")) {
            return send(400, { error: { code: "MissingApiVersionParameter", message: "The api-version query parameter is required." } });
        }
        this.route(req.method!, url.pathname, body, send);
    }

    private route(method: string, path: string, body: any, send: (s: number, p?: unknown, h?: Record<string, string>) => void): void {
        const operation = /^\/operations\/(\d+)$/.exec(path);
        const action = /^(.*)\/(listKeys|token)$/i.exec(path);
        if (action && method === "POST") {
            if (!this.endpoints.has(action[1].toLowerCase())) return send(404, { error: { code: "NotFound", message: "Endpoint not found." } });
            return action[2] === "listKeys"
                ? send(200, { primaryKey: this.endpointKey, secondaryKey: "secondary" })
                : send(200, { accessToken: this.amlToken, expiryTimeUtc: 1893456000, tokenType: "Bearer" });
        }
        if (operation) return this.pollOperation(operation[1], send);

        const deploymentMatch = /^(.*\/onlineendpoints\/[^/]+|.*\/batchendpoints\/[^/]+)\/deployments\/([^/]+)$/i.exec(path);
        if (deploymentMatch) {
            const endpoint = this.endpoints.get(deploymentMatch[1].toLowerCase());
            const deployment = endpoint?.deployments.get(deploymentMatch[2]);
            if (!endpoint || !deployment) {
                return send(404, { error: { code: "NotFound", message: `Deployment ${deploymentMatch[2]} not found.` } });
            }
            if (method === "DELETE") {
                const traffic = endpoint.properties.traffic ?? {};
                const mirror = endpoint.properties.mirrorTraffic ?? {};
                if ((traffic[deploymentMatch[2]] ?? 0) > 0 || (mirror[deploymentMatch[2]] ?? 0) > 0) {
                    return send(400, {
                        error: { code: "BadArgument", message: `Deployment ${deploymentMatch[2]} has traffic; set its traffic to 0 before deleting it.` },
                    });
                }
                endpoint.deployments.delete(deploymentMatch[2]);
                return send(202, undefined, { Location: this.newOperation(() => undefined), "Retry-After": "1" });
            }
            return send(200, { name: deploymentMatch[2], properties: { provisioningState: deployment.provisioningState } });
        }

        const endpoint = this.endpoints.get(path.toLowerCase());
        if (!endpoint) return send(404, { error: { code: "NotFound", message: `Endpoint ${path.split("/").pop()} not found.` } });
        if (method === "GET") {
            return send(200, {
                id: path,
                name: path.split("/").pop(),
                location: endpoint.location,
                identity: endpoint.identity,
                tags: endpoint.tags,
                systemData: { createdBy: "someone", lastModifiedAt: endpoint.lastModifiedAt },
                properties: endpoint.properties,
            });
        }
        if (method === "PUT") {
            const problem = this.checkPut(endpoint, body);
            if (problem) return send(400, { error: { code: "BadRequest", message: problem } });
            const apply = () => {
                // A PUT replaces the endpoint's settings: whatever it leaves out is reset.
                endpoint.properties = {
                    ...body.properties,
                    traffic: body.properties.traffic ?? {},
                    mirrorTraffic: body.properties.mirrorTraffic ?? {},
                    provisioningState: "Succeeded",
                    scoringUri: endpoint.properties.scoringUri,
                };
                endpoint.lastModifiedAt = this.tick();
            };
            return send(201, body, { "Azure-AsyncOperation": this.newOperation(apply), "Retry-After": "1" });
        }
        send(405, { error: { code: "MethodNotAllowed", message: method } });
    }

    private checkPut(endpoint: Endpoint, body: any): string | undefined {
        if (!body?.location || !body?.properties) return "location and properties are required";
        for (const readOnly of ["provisioningState", "scoringUri", "swaggerUri"]) {
            if (readOnly in body.properties) return `${readOnly} is read-only`;
        }
        const traffic: Record<string, number> = body.properties.traffic ?? {};
        const mirror: Record<string, number> = body.properties.mirrorTraffic ?? {};
        for (const name of [...Object.keys(traffic), ...Object.keys(mirror)]) {
            if (!endpoint.deployments.has(name)) return `Deployment ${name} not found in endpoint.`;
        }
        const total = Object.values(traffic).reduce((a, b) => a + b, 0);
        if (total !== 0 && total !== 100) return `Traffic must sum to 0 or 100; got ${total}.`;
        const defaults = body.properties.defaults;
        if (defaults?.deploymentName && !endpoint.deployments.has(defaults.deploymentName)) {
            return `Deployment ${defaults.deploymentName} not found in endpoint.`;
        }
        return undefined;
    }

    /** A fresh, later lastModifiedAt, one second after the previous one. */
    private tick(): string {
        this.clock += 1000;
        return new Date(this.clock).toISOString();
    }

    private newOperation(apply: () => void): string {
        const id = String(this.nextOperation++);
        this.operations.set(id, { polls: 0, apply, outcome: this.operationOutcome });
        return `${this.url}/operations/${id}`;
    }

    private pollOperation(id: string, send: (s: number, p?: unknown, h?: Record<string, string>) => void): void {
        const operation = this.operations.get(id);
        if (!operation) return send(404, { error: { code: "NotFound", message: "no such operation" } });
        operation.polls++;
        if (operation.polls <= this.pollsInProgress) return send(200, { status: "InProgress" }, { "Retry-After": "1" });
        if (operation.outcome.status === "Succeeded") operation.apply();
        send(200, { status: operation.outcome.status, error: operation.outcome.error });
    }
}
