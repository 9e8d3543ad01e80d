import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { ArmId, isBelow, parseArmId } from "./armIds";
import { rulesByArmType } from "../resources";
import { Refusal, busy, errorBody, invalidContent, locationRequired, missingApiVersion, notFound, parentNotFound, readOnlyProperty, unauthenticated } from "./azureErrors";
import { sasQuery, sasRefusal } from "./blobSas";
import { RuleContext, StoredResource, TypeRules, stableGuid, systemPrincipalId } from "./storedResource";
import { RegionalQuota } from "../quota/regionalQuota";

/** One ARM operation as the timeline records it. */
export interface OperationRecord {
    readonly method: "PUT" | "DELETE" | "POST";
    readonly id: string;
    readonly started: number;
    ended?: number;
    status: "InProgress" | "Succeeded" | "Failed" | "Refused";
    readonly detail?: string;
    /** Azure's error code when the operation failed (default `OperationFailed`). */
    readonly errorCode?: string;
}

/** The live and mirror traffic of an online endpoint from one moment on. */
export interface TrafficMoment {
    readonly endpoint: string;
    readonly at: number;
    readonly traffic: Record<string, number>;
    readonly mirrorTraffic: Record<string, number>;
}

/**
 * An answer given in place of the next matching request, before any rule: a transient fault
 * (429 with Retry-After, 503, 409 `AnotherOperationInProgress`), or any scripted answer a test
 * needs (a deployment still `Creating`, a server that never answers).
 */
export interface Fault {
    /** Only requests with this method (default: any). */
    readonly method?: string;
    /** Only requests whose path contains this (default: any resource request). */
    readonly pathIncludes?: string;
    readonly status?: number;
    /** Azure's error code: the answer is Azure's error body `{ error: { code, message } }`. */
    readonly code?: string;
    /** The answer's body as given (instead of an error body). */
    readonly body?: unknown;
    /** Default: `Retry-After: 1` for an error code. */
    readonly headers?: Record<string, string>;
    /** Never answer (a hung server). */
    readonly hang?: boolean;
}

/** One request the server received. */
export interface ArmRequest {
    readonly method: string;
    readonly path: string;
    readonly authorization?: string;
    readonly body?: any;
}

/** What runs inside an operation besides storing the body: the data plane's part. */
export interface ArmHooks {
    /**
     * Inside a PUT's operation, before it ends: may return properties Azure computes (a scoring
     * URI); throwing ends the operation Failed with the error's message.
     */
    afterPut?(resource: StoredResource, body: Record<string, any>): Promise<Record<string, any> | void>;
    /** Inside a DELETE's operation, for the resource and each one below it. */
    beforeDelete?(resource: StoredResource): Promise<void>;
    /** The workspace's MLflow API (`/mlflow/v1.0/<workspace id>/...`): answers the request itself. */
    mlflow?(workspace: StoredResource, request: MlflowRequest, res: http.ServerResponse): void;
        /** Azure Monitor's metrics of a resource (`{id}/providers/Microsoft.Insights/metrics`); undefined: it has none. */
    metrics?(resource: StoredResource, query: URLSearchParams): { status: number; body: unknown } | undefined;
}

/** A request to a workspace's MLflow API, read whole. */
export interface MlflowRequest {
    readonly method: string;
    /** The MLflow REST path and query after the tracking URI (`/api/2.0/mlflow/runs/get?run_id=...`). */
    readonly path: string;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: Buffer;
}

/** What an online endpoint hands out through `listKeys` and `token`. */
export interface EndpointCredentials {
    readonly primaryKey: string;
    readonly secondaryKey: string;
    readonly amlToken: string;
}

export interface ArmServerOptions {
    /** The bearer token every request must carry (what the stand-in `az` hands out). */
    readonly token: string;
    /** Folder of the emulated storage (blobs as files). */
    readonly storageDir: string;
    /** Milliseconds a PUT's or DELETE's operation takes, by lower-case resource type. Default 0. */
    readonly delays?: Readonly<Record<string, number>>;
    readonly hooks?: ArmHooks;
    /** The region's vCPU quota (default: the committed fixture, emulator/quota/quota.json). */
    readonly quota?: RegionalQuota;
}

const apiVersionRequired = /^\/subscriptions\//i;
/** Azure ML's regional answers: `/subscriptions/{s}/providers/Microsoft.MachineLearningServices/locations/{l}/usages|vmSizes`. */
const regionalPath = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/locations\/([^/]+)\/(usages|vmSizes)$/i;
/** `/mlflow/v1.0/<workspace id><MLflow REST path>`: the tracking URI Azure ML gives a workspace, and what follows it. */
const mlflowPath = /^\/mlflow\/v1\.0(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+)(\/.*)?$/i;
/** Proxy resources (no location of their own): Azure ML assets and storage sub-resources. */
const proxyTypes = /\/(models|data|datastores|versions|blobServices|containers|roleAssignments)$/i;
/** How long a SAS handed out for an upload lasts. */
const uploadSasMs = 60 * 60_000;

/**
 * A local Azure Resource Manager for the types this platform declares, at least as strict as
 * Azure's documented rules (see emulator/README.md for each rule and its source):
 * - resources by ARM id (case-insensitive), each in an existing parent (404 ParentResourceNotFound);
 * - PUT answers 201 (create) or 200 (update) with `Azure-AsyncOperation`; the operation ends after
 *   the type's delay; GET then shows the new body. DELETE answers 202 with `Location`; deleting a
 *   resource deletes everything below it;
 * - an operation on a resource while another is under way: 409;
 * - per-type rules (emulator/resources/): traffic, mirror traffic, immutable versions, batch defaults,
 *   model URIs that must hold uploaded files with an MLmodel, names;
 * - read-only properties refused in a PUT; a PUT replaces the whole body;
 * - every request needs `Authorization: Bearer <token>` (401) and `api-version` (400).
 * Blobs live under `/blobs/<account>/<container>/<path>` (PUT bytes, GET, DELETE), reached with
 * the bearer token or with a SAS the server signed (`blobSas.ts`) in place of it.
 */
export class ArmServer {
    url = "";
    readonly operations: OperationRecord[] = [];
    /** Every change of an online endpoint's traffic, oldest first. */
    readonly trafficTimeline: TrafficMoment[] = [];
    private readonly resources = new Map<string, StoredResource>();
    /** When each deleted resource was deleted (by key): Azure ML registries never reuse a deleted version. */
    private readonly deletions = new Map<string, string>();
    private readonly pending = new Map<string, { record: OperationRecord; done: Promise<void> }>();
    private server?: http.Server;
    private nextOperation = 1;
    /** Answers waiting for their request (see `injectFaults`); a test may push to it. */
    readonly script: Fault[] = [];
    readonly faultsAnswered: (Fault & { readonly method: string; readonly path: string })[] = [];
    /** Every request to resources (not operation polls or blobs), in order. */
    readonly requests: ArmRequest[] = [];
    private readonly operationFailures: { code: string; message: string }[] = [];

    /**
     * Answers the next matching requests to resources (PUT, GET, DELETE, POST; not operation
     * polls or blobs) with these, one request each, in order, as Azure's front door and
     * throttling do. Each answered one is recorded in `faultsAnswered`.
     */
    injectFaults(faults: readonly Fault[]): void {
        this.script.push(...faults);
    }

    /** The next operation that runs ends Failed with Azure's error (code and message). */
    failNextOperation(error: { code: string; message: string }): void {
        this.operationFailures.push(error);
    }

    /**
     * A resource as if it had been created already (by someone else, or earlier), with its
     * parents' existence not checked: what a test starts from.
     */
    seed(id: string, body: Record<string, any>, provisioningState = "Succeeded"): StoredResource {
        const parsed = parseArmId(id);
        if (!parsed) throw new Error(`${id} is not a resource id`);
        const now = new Date().toISOString();
        const resource: StoredResource = { id: parsed, body: structuredClone(body), provisioningState, createdAt: now, lastModifiedAt: now, busy: false };
        this.resources.set(parsed.key, resource);
        this.recordTraffic(resource);
        return resource;
    }

    /** Records an online endpoint's traffic after a change made outside a PUT (a test's, the portal's). */
    trafficChanged(id: string): void {
        const resource = this.resources.get(id.toLowerCase());
        if (resource) this.recordTraffic(resource);
    }

    constructor(private readonly options: ArmServerOptions) {}

    async start(port = 0): Promise<this> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (chunk: Buffer) => chunks.push(chunk));
            req.on("end", () => this.handle(req, Buffer.concat(chunks), res));
        });
        await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /** A resource as stored (for tests and the data plane). */
    resource(id: string): StoredResource | undefined {
        return this.resources.get(id.toLowerCase());
    }

    private readonly context: RuleContext = {
        get: (id) => this.resources.get(id.toLowerCase()),
        children: (id, childType) =>
            [...this.resources.values()].filter(
                (r) => r.id.parent?.toLowerCase() === id.toLowerCase() && r.id.type.toLowerCase().endsWith(`/${childType.toLowerCase()}`),
            ),
        blobExists: (account, container, blobPath) => fs.existsSync(this.blobFile(account, container, blobPath) ?? ""),
        containerDir: (account, container) => path.join(this.options.storageDir, account, container),
        ofType: (type) => this.resourcesOfType(type),
        deletedAt: (id) => this.deletions.get(id.toLowerCase()),
        uploadAccess: (account, container, folder) => {
            const blobUri = `${this.url}/blobs/${[account, container, ...folder.split("/")].map(encodeURIComponent).join("/")}`;
            const expiry = new Date(Date.now() + uploadSasMs).toISOString().replace(/\.\d{3}Z$/, "Z");
            return { blobUri, sasUri: `${blobUri}?${sasQuery(this.sasKey(), { account, container, folder, permissions: "rcw", expiry })}` };
        },
        quotaRefusal: (id, body, existing) => this.quota.refusal(this.context, id, body, existing),
    };

    private get quota(): RegionalQuota {
        this.regionalQuota ??= this.options.quota ?? new RegionalQuota();
        return this.regionalQuota;
    }

    private regionalQuota: RegionalQuota | undefined;

    /** Every resource of an ARM type, wherever it lives (the data plane finds a registry by name). */
    resourcesOfType(type: string): StoredResource[] {
        return [...this.resources.values()].filter((r) => r.id.type.toLowerCase() === type.toLowerCase());
    }

    /** The key SAS signatures are made with: known to this server only (derived from its token). */
    private sasKey(): string {
        return createHash("sha256").update(`blob-sas:${this.options.token}`).digest("hex");
    }

    private handle(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", this.url);
        const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
            res.writeHead(status, { "Content-Type": "application/json", ...headers });
            res.end(body === undefined ? "" : JSON.stringify(body));
        };
        const refuse = (refusal: Refusal) => send(refusal.status, errorBody(refusal.code, refusal.message, refusal.details));
        const tracking = mlflowPath.exec(url.pathname);
        // Parsed once, for the request log and for the handlers; blob bytes, operation polls and MLflow's API are not ARM's.
        const resourceRequest = !url.pathname.startsWith("/blobs/") && !/^\/operations\//.test(url.pathname) && !tracking;
        const parsed = resourceRequest ? parseBody(raw) : { json: undefined };
        if (resourceRequest) {
            const logged = "json" in parsed ? parsed.json : parsed.text;
            this.requests.push({ method: req.method!, path: url.pathname, authorization: req.headers.authorization, body: logged });
        }
        if (url.pathname.startsWith("/blobs/") && url.searchParams.has("sig")) return this.handleSasBlob(req, url, raw, res);
        if (req.headers.authorization !== `Bearer ${this.options.token}`) {
            return refuse(unauthenticated);
        }
        if (url.pathname.startsWith("/blobs/")) return this.handleBlob(req.method!, url.pathname, raw, res);
        if (tracking) return this.handleMlflow(tracking[1], `${tracking[2]}${url.search}`, req, raw, res, refuse);
        const operation = /^\/operations\/(\d+)$/.exec(url.pathname);
        if (operation) return this.pollOperation(operation[1], url.searchParams.get("kind"), send);
        const scripted = this.script.findIndex((f) => (!f.method || f.method === req.method) && (!f.pathIncludes || url.pathname.includes(f.pathIncludes)));
        if (scripted >= 0) {
            const [fault] = this.script.splice(scripted, 1);
            this.faultsAnswered.push({ ...fault, method: req.method!, path: url.pathname });
            if (fault.hang) return;
            const body = fault.code ? errorBody(fault.code, `injected: ${fault.code}`) : fault.body;
            return send(fault.status ?? 200, body, fault.headers ?? (fault.code ? { "Retry-After": "1" } : {}));
        }
        if (apiVersionRequired.test(url.pathname) && !url.searchParams.get("api-version")) {
            return refuse(missingApiVersion);
        }
        if (!("json" in parsed)) return refuse(invalidContent());
        const body = parsed.json as Record<string, any> | undefined;
        const action = /^(.*)\/(listKeys|token)$/i.exec(url.pathname);
        if (action && req.method === "POST") return this.handleAction(action[1], action[2], send, refuse);
        const typeAction = req.method === "POST" ? this.typeAction(url.pathname) : undefined;
        if (typeAction) {
            const answer = typeAction.run(this.context, typeAction.target, body);
            return "code" in answer ? refuse(answer) : send(answer.status, answer.body);
        }
        const regional = regionalPath.exec(url.pathname);
        if (regional && req.method === "GET") {
            const [, subscription, location, what] = regional;
            const value = what.toLowerCase() === "usages" ? this.quota.usages(this.context.ofType, subscription, location) : this.quota.vmSizes();
            return send(200, { value });
        }
        const metrics = /^(.*)\/providers\/microsoft\.insights\/metrics$/i.exec(url.pathname);
        if (metrics && req.method === "GET") return this.handleMetrics(metrics[1], url.searchParams, send, refuse);
        const id = parseArmId(url.pathname);
        const collection = !id && req.method === "GET" ? /^(.*)\/([^/]+)$/.exec(url.pathname.replace(/\/+$/, "")) : null;
        if (collection && parseArmId(collection[1])) return this.handleList(collection[1], collection[2], send, refuse);
        if (!id) return refuse({ status: 404, code: "InvalidResourceId", message: `${url.pathname} is not a resource id.` });
        switch (req.method) {
            case "GET":
                return this.handleGet(id, send, refuse);
            case "PUT":
                return this.handlePut(id, body, send, refuse);
            case "DELETE":
                return this.handleDelete(id, send, refuse);
            default:
                return refuse({ status: 405, code: "MethodNotAllowed", message: `${req.method} is not supported here.` });
        }
    }

    /**
     * The workspace's MLflow tracking and registry API (what its `mlFlowTrackingUri` names, at
     * `/mlflow/v1.0/<workspace id>/api/...` as Azure ML serves it), handed to the hook that runs it.
     */
    private handleMlflow(workspaceId: string, rest: string, req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse, refuse: Refuse): void {
        const workspace = this.resources.get(workspaceId.toLowerCase());
        if (!workspace || workspace.id.type.toLowerCase() !== "microsoft.machinelearningservices/workspaces") return refuse(notFound(workspaceId));
        if (!this.options.hooks?.mlflow) return refuse({ status: 404, code: "NotFound", message: "No MLflow tracking server runs here." });
        this.options.hooks.mlflow(workspace, { method: req.method!, path: rest, headers: req.headers, body: raw }, res);
    }

    /**
     * Stores a resource that changed through another of Azure's APIs (a model version registered
     * through the workspace's MLflow, a managed resource group Azure Databricks creates), under the
     * type's rules, at once (no operation). Returns the refusal instead when Azure would refuse it.
     * `detail` says for the timeline how it changed.
     */
    storeFromDataPlane(id: string, body: Record<string, any>, detail = "through the workspace's MLflow"): Refusal | StoredResource {
        const parsed = parseArmId(id);
        if (!parsed) return { status: 400, code: "InvalidResourceId", message: `${id} is not a resource id.` };
        if (parsed.parent && !this.resources.has(parsed.parent.toLowerCase())) return parentNotFound(parsed.parent);
        const existing = this.resources.get(parsed.key);
        if (existing?.busy) return busy(parsed.name);
        const rules = rulesByArmType[parsed.type.toLowerCase()] ?? {};
        const refusal = rules.checkPut?.(this.context, parsed, body, existing);
        if (refusal) return refusal;
        const now = new Date().toISOString();
        const accepted = rules.complete ? rules.complete(parsed, body, existing) : body;
        const resource: StoredResource = { id: parsed, body: accepted, provisioningState: "Succeeded", createdAt: existing?.createdAt ?? now, lastModifiedAt: now, busy: false };
        this.resources.set(parsed.key, resource);
        this.operations.push({ method: "PUT", id: parsed.id, started: Date.now(), ended: Date.now(), status: "Succeeded", detail });
        return resource;
    }

    /** Removes a resource (and what is below it) that was deleted through another of Azure's APIs (`detail`: how, for the timeline). */
    removeFromDataPlane(id: string, detail = "through the workspace's MLflow"): void {
        const key = id.toLowerCase();
        const doomed = [...this.resources.keys()].filter((k) => k === key || isBelow(k, key));
        for (const gone of doomed) this.resources.delete(gone);
        if (doomed.length > 0) this.operations.push({ method: "DELETE", id, started: Date.now(), ended: Date.now(), status: "Succeeded", detail });
    }

    /** The resources directly below `id` of one child type (`versions`), as stored. */
    childrenOf(id: string, childType: string): StoredResource[] {
        return this.context.children(id, childType);
    }

    private handleMetrics(path: string, query: URLSearchParams, send: Send, refuse: Refuse): void {
        const id = parseArmId(path);
        const resource = id && this.resources.get(id.key);
        if (!resource) return refuse(notFound(path));
        const answer = this.options.hooks?.metrics?.(resource, query);
        if (!answer) return refuse({ status: 400, code: "BadRequest", message: `No metrics are defined for resource type ${resource.id.type}.` });
        send(answer.status, answer.status === 200 ? answer.body : { error: answer.body });
    }

    /** GET of a collection (`.../models/<name>/versions`): `{ value: [...] }`, as ARM lists. */
    private handleList(parentId: string, childType: string, send: Send, refuse: Refuse): void {
        if (!this.resources.has(parentId.toLowerCase())) return refuse(notFound(parentId));
        const children = this.context.children(parentId, childType).sort((a, b) => a.id.key.localeCompare(b.id.key));
        send(200, { value: children.map((child) => this.view(child)) });
    }

    private handleGet(id: ArmId, send: Send, refuse: Refuse): void {
        const resource = this.resources.get(id.key);
        if (!resource) return refuse(notFound(`${id.type}/${id.name}`));
        send(200, this.view(resource));
    }

    private handlePut(id: ArmId, body: Record<string, any> | undefined, send: Send, refuse: Refuse): void {
        if (!body || typeof body !== "object") return refuse(invalidContent("A PUT needs a JSON body."));
        if (id.parent && !this.resources.has(id.parent.toLowerCase())) {
            return refuse(parentNotFound(id.parent));
        }
        const existing = this.resources.get(id.key);
        if (existing?.busy) return refuse(busy(id.name));
        const rules = rulesByArmType[id.type.toLowerCase()] ?? {};
        for (const key of rules.readOnly ?? []) {
            if (body.properties && key in body.properties) return refuse(readOnlyProperty(key));
        }
        if (!body.location && !proxyTypes.test(id.type)) {
            return refuse(locationRequired);
        }
        const refusal = rules.checkPut?.(this.context, id, body, existing);
        if (refusal) {
            this.operations.push({ method: "PUT", id: id.id, started: Date.now(), ended: Date.now(), status: "Refused", detail: refusal.message });
            return refuse(refusal);
        }
        const now = new Date().toISOString();
        const accepted = rules.complete ? rules.complete(id, body, existing) : body;
        const resource: StoredResource = existing ?? {
            id,
            body: accepted,
            provisioningState: "Creating",
            createdAt: now,
            lastModifiedAt: now,
            busy: false,
        };
        const apply = async () => {
            const computed = (await this.options.hooks?.afterPut?.(resource, accepted)) ?? {};
            resource.body = { ...accepted, properties: { ...accepted.properties, ...computed } };
            resource.provisioningState = "Succeeded";
            resource.lastModifiedAt = new Date().toISOString();
            this.recordTraffic(resource);
        };
        if (!existing) this.resources.set(id.key, resource);
        resource.provisioningState = existing ? "Updating" : "Creating";
        const operation = this.begin("PUT", resource, apply, () => {
            // Azure keeps a resource whose provisioning failed, in state Failed.
            resource.body = accepted;
            resource.provisioningState = "Failed";
        });
        send(existing ? 200 : 201, this.view(resource, accepted), {
            "Azure-AsyncOperation": `${this.url}/operations/${operation}?kind=async`,
            "Retry-After": "1",
        });
    }

    private handleDelete(id: ArmId, send: Send, refuse: Refuse): void {
        const resource = this.resources.get(id.key);
        if (!resource) return send(204);
        if (resource.busy) return refuse(busy(id.name));
        const refusal = rulesByArmType[id.type.toLowerCase()]?.checkDelete?.(this.context, resource);
        if (refusal) return refuse(refusal);
        const operation = this.begin("DELETE", resource, async () => {
            const doomed = [...this.resources.values()].filter((r) => r.id.key === id.key || isBelow(r.id.key, id.key));
            for (const gone of doomed.reverse()) await this.options.hooks?.beforeDelete?.(gone);
            const at = new Date().toISOString();
            for (const gone of doomed) {
                this.resources.delete(gone.id.key);
                this.deletions.set(gone.id.key, at);
            }
        });
        resource.provisioningState = "Deleting";
        send(202, undefined, { Location: `${this.url}/operations/${operation}?kind=location`, "Retry-After": "1" });
    }

    /** `POST {id}/<action>` of an action the id's type declares (`TypeRules.actions`). */
    private typeAction(pathname: string): { target: ArmId; run: NonNullable<TypeRules["actions"]>[string] } | undefined {
        const match = /^(.*)\/([^/]+)$/.exec(pathname);
        const target = match ? parseArmId(match[1]) : undefined;
        const run = target ? rulesByArmType[target.type.toLowerCase()]?.actions?.[match![2].toLowerCase()] : undefined;
        return target && run ? { target, run } : undefined;
    }

    private handleAction(target: string, action: string, send: Send, refuse: Refuse): void {
        const endpoint = this.resources.get(target.toLowerCase());
        if (!endpoint) return refuse(notFound(target));
        const credentials = this.endpointCredentials(endpoint.id.id);
        if (action.toLowerCase() === "listkeys") return send(200, { primaryKey: credentials.primaryKey, secondaryKey: credentials.secondaryKey });
        send(200, { accessToken: credentials.amlToken, expiryTimeUtc: Math.floor(Date.now() / 1000) + 3600, tokenType: "Bearer" });
    }

    /** The keys and the AML token of an endpoint: stable for its id, unknowable without the emulator's token. */
    endpointCredentials(endpointId: string): EndpointCredentials {
        const secret = (label: string) => createHash("sha256").update(`${label}:${endpointId.toLowerCase()}:${this.options.token}`).digest("base64url").slice(0, 40);
        return { primaryKey: secret("primary"), secondaryKey: secret("secondary"), amlToken: secret("aml-token") };
    }

    private recordTraffic(resource: StoredResource): void {
        if (resource.id.type.toLowerCase() !== "microsoft.machinelearningservices/workspaces/onlineendpoints") return;
        this.trafficTimeline.push({
            endpoint: resource.id.id,
            at: Date.now(),
            traffic: { ...(resource.body.properties?.traffic ?? {}) },
            mirrorTraffic: { ...(resource.body.properties?.mirrorTraffic ?? {}) },
        });
    }

    /**
     * Starts an operation: after the type's delay, `apply` runs (the data plane's work included);
     * the operation ends Succeeded, or Failed with the error `apply` threw. Returns its id.
     */
    private begin(method: "PUT" | "DELETE", resource: StoredResource, apply: () => Promise<void>, onFailure?: () => void): string {
        const operation = String(this.nextOperation++);
        const record: OperationRecord = { method, id: resource.id.id, started: Date.now(), status: "InProgress" };
        this.operations.push(record);
        resource.busy = true;
        const delay = this.options.delays?.[resource.id.type.toLowerCase()] ?? 0;
        const failure = this.operationFailures.shift();
        const done = new Promise<void>((resolve) =>
            setTimeout(() => {
                (failure ? Promise.reject(Object.assign(new Error(failure.message), { code: failure.code })) : apply()).then(
                    () => (record.status = "Succeeded"),
                    (err: Error) => {
                        record.status = "Failed";
                        (record as { detail?: string }).detail = err.message;
                        (record as { errorCode?: string }).errorCode = (err as { code?: string }).code;
                        onFailure?.();
                    },
                ).finally(() => {
                    resource.busy = false;
                    record.ended = Date.now();
                    resolve();
                });
            }, delay),
        );
        this.pending.set(operation, { record, done });
        return operation;
    }

    private pollOperation(operation: string, kind: string | null, send: Send): void {
        const pending = this.pending.get(operation);
        if (!pending) return send(404, errorBody("NotFound", `Operation ${operation} not found.`));
        const { record } = pending;
        if (kind === "location") {
            if (record.status === "InProgress") return send(202, undefined, { Location: `${this.url}/operations/${operation}?kind=location`, "Retry-After": "1" });
            return send(record.status === "Succeeded" ? 200 : 400, record.status === "Succeeded" ? undefined : errorBody(record.errorCode ?? "OperationFailed", record.detail ?? ""));
        }
        const error = { code: record.errorCode ?? "OperationFailed", message: record.detail };
        send(200, { status: record.status, ...(record.status === "Failed" ? { error } : {}) }, {
            ...(record.status === "InProgress" ? { "Retry-After": "1" } : {}),
        });
    }

    /** A resource as ARM answers a GET: its body, with what Azure adds. */
    private view(resource: StoredResource, body = resource.body): Record<string, unknown> {
        const { id } = resource;
        return {
            ...body,
            id: id.id,
            name: id.name,
            type: id.type,
            ...(body.identity ? { identity: { ...body.identity, principalId: systemPrincipalId(id), tenantId: stableGuid(`tenant:${id.subscription}`) } } : {}),
            systemData: { createdAt: resource.createdAt, createdBy: "local-emulator", createdByType: "User", lastModifiedAt: resource.lastModifiedAt },
            properties: { ...(body.properties ?? {}), provisioningState: resource.provisioningState },
        };
    }

    /**
     * A blob request carrying a SAS instead of the bearer token: allowed only below the folder
     * the SAS was signed for, with its permissions, before its expiry (`blobSas.ts`). A PUT needs
     * `x-ms-blob-type: BlockBlob`, as Azure Storage's Put Blob does.
     */
    private handleSasBlob(req: http.IncomingMessage, url: URL, raw: Buffer, res: http.ServerResponse): void {
        const [account, container, ...rest] = url.pathname.slice("/blobs/".length).split("/").map(decodeURIComponent);
        const refusal = account && container ? sasRefusal(this.sasKey(), req.method!, account, container, rest.join("/"), url.searchParams) : "bad blob path";
        if (refusal) {
            res.writeHead(403, { "Content-Type": "text/plain" }).end(refusal);
            return;
        }
        if (req.method === "PUT" && req.headers["x-ms-blob-type"] !== "BlockBlob") {
            res.writeHead(400, { "Content-Type": "text/plain" }).end("MissingRequiredHeader: x-ms-blob-type (BlockBlob) is required to put a blob.");
            return;
        }
        this.handleBlob(req.method!, url.pathname, raw, res);
    }

    private handleBlob(method: string, pathname: string, raw: Buffer, res: http.ServerResponse): void {
        const [account, container, ...rest] = pathname.slice("/blobs/".length).split("/").map(decodeURIComponent);
        const file = this.blobFile(account, container, rest.join("/"));
        if (!file) {
            res.writeHead(400).end("bad blob path");
            return;
        }
        if (method === "PUT") {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, raw);
            res.writeHead(201).end();
        } else if (method === "GET") {
            if (!fs.existsSync(file)) res.writeHead(404).end();
            else res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(fs.readFileSync(file));
        } else if (method === "DELETE") {
            fs.rmSync(file, { force: true });
            res.writeHead(202).end();
        } else {
            res.writeHead(405).end();
        }
    }

    /** Where a blob's bytes live, or undefined for a path that would leave the storage folder. */
    private blobFile(account: string, container: string, blobPath: string): string | undefined {
        const parts = [account, container, ...blobPath.split("/")];
        if (parts.some((p) => !p || p === "." || p === "..")) return undefined;
        return path.join(this.options.storageDir, ...parts);
    }
}

/** A request body as JSON (undefined when empty), or its text when it is not JSON. */
function parseBody(raw: Buffer): { json: unknown } | { text: string } {
    try {
        return { json: raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined };
    } catch {
        return { text: raw.toString("utf8") };
    }
}

type Send = (status: number, body?: unknown, headers?: Record<string, string>) => void;
type Refuse = (refusal: Refusal) => void;
