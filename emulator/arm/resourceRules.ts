import { createHash } from "crypto";
import { parseDatastoreUri } from "../../lib/batch/datastoreUri";
import { ArmId } from "./armIds";
import { lowerCaseNames, onlineTrafficProblem } from "./onlineTrafficRules";

/** A resource as the emulator keeps it: what its last accepted PUT said, plus what Azure adds. */
export interface StoredResource {
    readonly id: ArmId;
    body: Record<string, any>;
    provisioningState: string;
    createdAt: string;
    lastModifiedAt: string;
    /** An operation (PUT or DELETE) on it is under way: Azure answers another one with 409. */
    busy: boolean;
}

/** What a rule may ask of the emulator. */
export interface RuleContext {
    get(id: string): StoredResource | undefined;
    /** The resources directly below `id` of the given child type segment (e.g. `deployments`). */
    children(id: string, childType: string): StoredResource[];
    /** Whether the emulated storage holds this blob. */
    blobExists(account: string, container: string, path: string): boolean;
}

/** A refusal, as Azure sends it: status, code, message. */
export interface Refusal {
    readonly status: number;
    readonly code: string;
    readonly message: string;
}

/** Azure's rules for one resource type, beyond what every type obeys. */
export interface TypeRules {
    /** Why a PUT is refused (`existing` is undefined for a create). */
    checkPut?(ctx: RuleContext, id: ArmId, body: Record<string, any>, existing: StoredResource | undefined): Refusal | undefined;
    /** Why a DELETE is refused. */
    checkDelete?(ctx: RuleContext, resource: StoredResource): Refusal | undefined;
    /** The accepted body as Azure keeps it (defaults, normalised values, what it computes). */
    complete?(id: ArmId, body: Record<string, any>, existing: StoredResource | undefined): Record<string, any>;
    /** Read-only properties: a PUT that sends them is refused. */
    readonly readOnly?: readonly string[];
}

const badRequest = (message: string): Refusal => ({ status: 400, code: "BadRequest", message });
const conflict = (message: string): Refusal => ({ status: 409, code: "Conflict", message });

/** A stable GUID for an id: a workspace keeps its workspaceId across emulator restarts. */
export function stableGuid(seed: string): string {
    const hex = createHash("sha256").update(seed.toLowerCase()).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Names Azure ML checks (endpoint and deployment names: 3-32, letter first, letters, digits, '-'). */
function endpointNameProblem(kind: string, name: string): Refusal | undefined {
    return /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/.test(name)
        ? undefined
        : badRequest(`Invalid ${kind} name ${name}: 3-32 characters, starting with a letter, letters, digits and '-', not ending in '-'.`);
}

const immutableVersion = (field: string, kindField: string): TypeRules => ({
    checkPut(_ctx, id, body, existing) {
        if (!existing) return undefined;
        const before = existing.body.properties ?? {};
        const after = body.properties ?? {};
        for (const key of [field, kindField]) {
            if (String(before[key] ?? "") !== String(after[key] ?? "")) {
                return conflict(`${id.type.split("/").pop()} ${id.name} already exists and is immutable: ${key} cannot change; register a new version.`);
            }
        }
        return undefined;
    },
});

/** The workspace a resource lives in (its id), from any id below it. */
export function workspaceOf(id: string): string {
    return /^(.*\/workspaces\/[^/]+)/i.exec(id)![1];
}

/** Where a workspace's default datastore keeps its files: its storage account, and its container. */
export function defaultDatastoreLocation(workspace: StoredResource): { account: string; container: string } {
    const storageId = String(workspace.body.properties?.storageAccount ?? "");
    return { account: storageId.split("/").pop() ?? "", container: `azureml-blobstore-${workspace.body.properties?.workspaceId}` };
}

export const typeRules: Readonly<Record<string, TypeRules>> = {
    "microsoft.machinelearningservices/workspaces": {
        readOnly: ["workspaceId", "mlFlowTrackingUri", "discoveryUrl"],
        complete(id, body) {
            const workspaceId = stableGuid(id.id);
            return {
                ...body,
                properties: {
                    ...body.properties,
                    workspaceId,
                    mlFlowTrackingUri: `azureml://${body.location}.api.azureml.ms/mlflow/v1.0${id.id}`,
                    discoveryUrl: `https://${body.location}.api.azureml.ms/discovery`,
                },
            };
        },
    },
    "microsoft.machinelearningservices/workspaces/models/versions": {
        ...immutableVersion("modelUri", "modelType"),
        checkPut(ctx, id, body, existing) {
            const immutable = immutableVersion("modelUri", "modelType").checkPut!(ctx, id, body, existing);
            if (immutable) return immutable;
            const uri = String(body.properties?.modelUri ?? "");
            // A model URI is one of the azureml:// forms (the bare ARM-id form is for job outputs).
            const location = uri.startsWith("azureml://") ? parseDatastoreUri(uri) : undefined;
            if (!location) return badRequest(`modelUri ${uri} is not an azureml:// datastore path.`);
            const workspace = ctx.get(workspaceOf(id.id));
            if (!workspace) return { status: 404, code: "ParentResourceNotFound", message: `Workspace of ${id.id} not found.` };
            const { account, container } = defaultDatastoreLocation(workspace);
            if (location.datastore.toLowerCase() !== "workspaceblobstore") return badRequest(`Datastore ${location.datastore} not found.`);
            if (!ctx.blobExists(account, container, `${location.path}/MLmodel`)) {
                return badRequest(`modelUri ${uri} holds no MLmodel: upload the model folder before registering it.`);
            }
            return undefined;
        },
    },
    "microsoft.machinelearningservices/workspaces/data/versions": immutableVersion("dataUri", "dataType"),
    "microsoft.machinelearningservices/workspaces/onlineendpoints": {
        readOnly: ["provisioningState", "scoringUri", "swaggerUri"],
        checkPut(ctx, id, body) {
            const name = endpointNameProblem("endpoint", id.name);
            if (name) return name;
            const states = new Map(ctx.children(id.id, "deployments").map((d) => [d.id.name.toLowerCase(), d.provisioningState]));
            const problem = onlineTrafficProblem(states, body.properties?.traffic ?? {}, body.properties?.mirrorTraffic ?? {});
            return problem ? badRequest(problem) : undefined;
        },
        complete(_id, body) {
            // A PUT replaces the endpoint: traffic it leaves out is gone. Names are kept lower-cased.
            return {
                ...body,
                properties: {
                    ...body.properties,
                    traffic: lowerCaseNames(body.properties?.traffic ?? {}),
                    mirrorTraffic: lowerCaseNames(body.properties?.mirrorTraffic ?? {}),
                },
            };
        },
    },
    "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments": {
        checkPut(ctx, id) {
            const name = endpointNameProblem("deployment", id.name);
            if (name) return name;
            const endpoint = ctx.get(id.parent!);
            if (endpoint?.busy) {
                return conflict(`Cannot create a deployment in endpoint ${endpoint.id.name} because it is in Updating provisioning state.`);
            }
            return undefined;
        },
        checkDelete(ctx, deployment) {
            const endpoint = ctx.get(deployment.id.parent!);
            const name = deployment.id.name.toLowerCase();
            const live = Number(endpoint?.body.properties?.traffic?.[name] ?? 0);
            const mirrored = name in (endpoint?.body.properties?.mirrorTraffic ?? {});
            return live > 0 || mirrored
                ? badRequest(`Deployment ${deployment.id.name} has live or mirror traffic; take it off before deleting the deployment.`)
                : undefined;
        },
    },
    "microsoft.machinelearningservices/workspaces/batchendpoints": {
        readOnly: ["provisioningState", "scoringUri", "swaggerUri"],
        checkPut(ctx, id, body) {
            const name = endpointNameProblem("endpoint", id.name);
            if (name) return name;
            const wanted = body.properties?.defaults?.deploymentName;
            if (wanted && !ctx.children(id.id, "deployments").some((d) => d.id.name.toLowerCase() === String(wanted).toLowerCase())) {
                return badRequest(`Deployment ${wanted} not found in endpoint; the default must name an existing deployment.`);
            }
            return undefined;
        },
    },
};
