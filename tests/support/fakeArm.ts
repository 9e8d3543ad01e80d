import * as http from "http";
import { lowerCaseNames, onlineTrafficProblem } from "../../emulator/arm/onlineTrafficRules";
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
    /** "onlineEndpoints" or "batchEndpoints", from the ARM id. */
    readonly type: string;
    location: string;
    kind?: string;
    sku?: Record<string, unknown>;
    /** Azure's systemData.lastModifiedAt, moved on by every PUT. */
    lastModifiedAt: string;
    properties: Record<string, any>;
    identity?: Record<string, any>;
    tags: Record<string, string>;
    /** By lower-case name: Azure treats deployment names without regard to case. */
    deployments: Map<string, Deployment>;
    /** An operation on the endpoint is under way: another is refused with 409. */
    busy: boolean;
}

/** The live and mirror traffic of an endpoint from one moment on. */
export interface TrafficMoment {
    readonly endpointId: string;
    /** Order of the change among all changes the fake saw. */
    readonly seq: number;
    readonly traffic: Record<string, number>;
    readonly mirrorTraffic: Record<string, number>;
}

const readOnlyProperties = ["provisioningState", "scoringUri", "swaggerUri"];

/**
 * A local stand-in for Azure Resource Manager's Machine Learning endpoints, at least as strict as
 * Azure's documented rules (how-to-safely-rollout-online-endpoints, the online endpoint YAML
 * reference, the 2025-12-01 REST spec):
 * - PUT answers 201 with Azure-AsyncOperation; the operation is polled InProgress to Succeeded;
 *   while it runs the endpoint refuses another PUT with 409;
 * - a PUT replaces the endpoint: traffic, mirror traffic, tags and identity it leaves out are gone;
 * - traffic names only existing deployments that are `Succeeded`, in whole percents summing to
 *   0 or 100; names are kept lower-cased, as Azure does;
 * - mirror traffic goes to one deployment, at most 50%, never one named in the live map (even at 0);
 * - a batch default names an existing deployment;
 * - deleting a deployment with live or mirror traffic is a 400;
 * - GET returns what Azure returns beside the properties the platform sets (kind, sku,
 *   properties.properties, compute, publicNetworkAccess), so a PUT that dropped them would show;
 * - requests without the expected bearer token get 401, without api-version 400.
 * Every change of an endpoint's traffic is recorded in `trafficTimeline`.
 */
export class FakeArm extends LoopbackServer {
    readonly requests: ArmRequest[] = [];
    readonly script: ScriptedAnswer[] = [];
    readonly trafficTimeline: TrafficMoment[] = [];
    /** How many polls an operation answers InProgress before its final status. */
    pollsInProgress = 2;
    /** Final status and error body of the next operations (default Succeeded). */
    operationOutcome: { status: string; error?: unknown } = { status: "Succeeded" };
    expectedToken = "test-token";
    /** What `listKeys` and `token` hand out. */
    endpointKey = "endpoint-primary-key";
    amlToken = "aml-access-token";
    private readonly endpoints = new Map<string, Endpoint>();
    private readonly operations = new Map<
        string,
        { polls: number; apply: () => void; endpoint?: Endpoint; outcome: { status: string; error?: unknown } }
    >();
    private nextOperation = 1;
    private clock = Date.parse("2026-11-01T00:00:00Z");
    private seq = 0;

    addEndpoint(id: string, deployments: Record<string, string> = {}, properties: Record<string, any> = {}): void {
        const type = /\/(onlineEndpoints|batchEndpoints)\//i.exec(id)?.[1] ?? "onlineEndpoints";
        const online = type.toLowerCase() === "onlineendpoints";
        const endpoint: Endpoint = {
            type,
            location: "westeurope",
            kind: online ? "Managed" : undefined,
            sku: online ? { name: "Default", tier: "Standard" } : undefined,
            lastModifiedAt: this.tick(),
            identity: { type: "SystemAssigned", principalId: "p", tenantId: "t" },
            tags: { stack: "test" },
            properties: {
                authMode: "Key",
                publicNetworkAccess: "Enabled",
                compute: null,
                description: "",
                properties: { "azureml.onlineendpointid": `/subscriptions/s1/${id.split("/").pop()}`, AzureAsyncOperationUri: "https://x" },
                provisioningState: "Succeeded",
                scoringUri: "https://e.westeurope.inference.ml.azure.com/score",
                swaggerUri: "https://e.westeurope.inference.ml.azure.com/swagger.json",
                ...(online ? { traffic: {}, mirrorTraffic: {} } : {}),
                ...properties,
            },
            deployments: new Map(Object.entries(deployments).map(([name, state]) => [name.toLowerCase(), { provisioningState: state }])),
            busy: false,
        };
        this.endpoints.set(id.toLowerCase(), endpoint);
        this.recordTraffic(id, endpoint);
    }

    endpoint(id: string): Endpoint {
        const endpoint = this.endpoints.get(id.toLowerCase());
        if (!endpoint) throw new Error(`no endpoint ${id}`);
        return endpoint;
    }

    /** The endpoint's traffic at each change, oldest first. */
    timelineOf(id: string): TrafficMoment[] {
        return this.trafficTimeline.filter((m) => m.endpointId === id.toLowerCase());
    }

    /** What an update of the endpoint by azure-native would amount to: a full PUT that carries no traffic. */
    updateEndpointWithoutTraffic(id: string, properties: Record<string, unknown>): void {
        const endpoint = this.endpoint(id);
        endpoint.properties = { ...properties, traffic: {}, mirrorTraffic: {}, provisioningState: "Succeeded", scoringUri: endpoint.properties.scoringUri };
        endpoint.lastModifiedAt = this.tick();
        this.recordTraffic(id, endpoint);
    }

    /** Changes made outside Pulumi, e.g. in the portal. */
    setTrafficByHand(id: string, traffic: Record<string, number>, mirrorTraffic?: Record<string, number>): void {
        const endpoint = this.endpoint(id);
        endpoint.properties.traffic = lowerCaseNames(traffic);
        if (mirrorTraffic) endpoint.properties.mirrorTraffic = lowerCaseNames(mirrorTraffic);
        this.recordTraffic(id, endpoint);
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
        if (deploymentMatch) return this.routeDeployment(method, deploymentMatch[1], deploymentMatch[2], send);

        const endpoint = this.endpoints.get(path.toLowerCase());
        if (!endpoint) return send(404, { error: { code: "NotFound", message: `Endpoint ${path.split("/").pop()} not found.` } });
        if (method === "GET") return send(200, this.view(path, endpoint));
        if (method === "PUT") {
            if (endpoint.busy) {
                return send(409, { error: { code: "Conflict", message: "Endpoint is busy with another operation; try again later." } });
            }
            const problem = this.checkPut(endpoint, body);
            if (problem) return send(400, { error: { code: "BadRequest", message: problem } });
            endpoint.busy = true;
            const apply = () => {
                // A PUT replaces the endpoint: whatever it leaves out is gone.
                const online = endpoint.type.toLowerCase() === "onlineendpoints";
                endpoint.properties = {
                    ...body.properties,
                    ...(online
                        ? { traffic: lowerCaseNames(body.properties.traffic ?? {}), mirrorTraffic: lowerCaseNames(body.properties.mirrorTraffic ?? {}) }
                        : {}),
                    provisioningState: "Succeeded",
                    scoringUri: endpoint.properties.scoringUri,
                    swaggerUri: endpoint.properties.swaggerUri,
                };
                endpoint.tags = { ...(body.tags ?? {}) };
                endpoint.identity = body.identity ? { ...body.identity, principalId: "p", tenantId: "t" } : undefined;
                endpoint.kind = body.kind;
                endpoint.sku = body.sku;
                endpoint.location = body.location;
                endpoint.lastModifiedAt = this.tick();
                this.recordTraffic(path, endpoint);
            };
            return send(201, body, { "Azure-AsyncOperation": this.newOperation(apply, endpoint), "Retry-After": "1" });
        }
        send(405, { error: { code: "MethodNotAllowed", message: method } });
    }

    private routeDeployment(
        method: string,
        endpointPath: string,
        name: string,
        send: (s: number, p?: unknown, h?: Record<string, string>) => void,
    ): void {
        const endpoint = this.endpoints.get(endpointPath.toLowerCase());
        const deployment = endpoint?.deployments.get(name.toLowerCase());
        if (!endpoint || !deployment) {
            return send(404, { error: { code: "NotFound", message: `Deployment ${name} not found.` } });
        }
        if (method === "DELETE") {
            const key = name.toLowerCase();
            if ((endpoint.properties.traffic?.[key] ?? 0) > 0 || key in (endpoint.properties.mirrorTraffic ?? {})) {
                return send(400, {
                    error: { code: "BadArgument", message: `Deployment ${name} has live or mirror traffic; take it off before deleting the deployment.` },
                });
            }
            endpoint.deployments.delete(key);
            return send(202, undefined, { Location: this.newOperation(() => undefined), "Retry-After": "1" });
        }
        return send(200, { name, properties: { provisioningState: deployment.provisioningState } });
    }

    private view(path: string, endpoint: Endpoint): Record<string, unknown> {
        return {
            id: path,
            name: path.split("/").pop(),
            type: `Microsoft.MachineLearningServices/workspaces/${endpoint.type}`,
            location: endpoint.location,
            ...(endpoint.kind !== undefined ? { kind: endpoint.kind } : {}),
            ...(endpoint.sku !== undefined ? { sku: endpoint.sku } : {}),
            ...(endpoint.identity ? { identity: endpoint.identity } : {}),
            tags: endpoint.tags,
            systemData: { createdBy: "someone", createdByType: "User", lastModifiedAt: endpoint.lastModifiedAt },
            properties: structuredClone(endpoint.properties),
        };
    }

    private checkPut(endpoint: Endpoint, body: any): string | undefined {
        if (!body?.location || !body?.properties) return "location and properties are required";
        for (const readOnly of readOnlyProperties) {
            if (readOnly in body.properties) return `${readOnly} is read-only`;
        }
        const defaults = body.properties.defaults;
        if (defaults?.deploymentName && !endpoint.deployments.has(String(defaults.deploymentName).toLowerCase())) {
            return `Deployment ${defaults.deploymentName} not found in endpoint.`;
        }
        const states = new Map([...endpoint.deployments].map(([name, d]) => [name, d.provisioningState]));
        return onlineTrafficProblem(states, body.properties.traffic ?? {}, body.properties.mirrorTraffic ?? {});
    }

    private recordTraffic(id: string, endpoint: Endpoint): void {
        this.trafficTimeline.push({
            endpointId: id.toLowerCase(),
            seq: this.seq++,
            traffic: { ...(endpoint.properties.traffic ?? {}) },
            mirrorTraffic: { ...(endpoint.properties.mirrorTraffic ?? {}) },
        });
    }

    /** A fresh, later lastModifiedAt, one second after the previous one. */
    private tick(): string {
        this.clock += 1000;
        return new Date(this.clock).toISOString();
    }

    private newOperation(apply: () => void, endpoint?: Endpoint): string {
        const id = String(this.nextOperation++);
        this.operations.set(id, { polls: 0, apply, endpoint, outcome: this.operationOutcome });
        return `${this.url}/operations/${id}`;
    }

    private pollOperation(id: string, send: (s: number, p?: unknown, h?: Record<string, string>) => void): void {
        const operation = this.operations.get(id);
        if (!operation) return send(404, { error: { code: "NotFound", message: "no such operation" } });
        operation.polls++;
        if (operation.polls <= this.pollsInProgress) return send(200, { status: "InProgress" }, { "Retry-After": "1" });
        if (operation.endpoint?.busy) {
            operation.endpoint.busy = false;
            if (operation.outcome.status === "Succeeded") operation.apply();
        } else if (!operation.endpoint && operation.outcome.status === "Succeeded") {
            operation.apply();
        }
        send(200, { status: operation.outcome.status, error: operation.outcome.error });
    }
}
