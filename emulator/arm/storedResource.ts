import { stableGuid } from "../../runtime/stableHash";
import { ArmId } from "./armIds";
import { Refusal } from "./azureErrors";

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
    /** The folder a storage container's blobs are files in. */
    containerDir(account: string, container: string): string;
    /** Every resource of an ARM type (`Microsoft.MachineLearningServices/registries`), wherever it lives. */
    ofType(type: string): StoredResource[];
    /** When a resource with this id was last deleted (ISO time), or undefined. */
    deletedAt(id: string): string | undefined;
    /**
     * A folder in the emulated storage and a SAS URI that lets a client without the ARM token
     * read and write below it (../arm/blobSas.ts): what Azure hands out for an upload.
     */
    uploadAccess(account: string, container: string, folder: string): { readonly blobUri: string; readonly sasUri: string };
    /** Why an online deployment's PUT goes over the region's vCPU quota (../quota/), or undefined. */
    quotaRefusal(id: ArmId, body: Record<string, any>, existing: StoredResource | undefined): Refusal | undefined;
}

/** An action's answer (`POST {id}/<action>`): 200 and this body. */
export interface ActionAnswer {
    readonly status: number;
    readonly body: unknown;
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
    /**
     * Actions (`POST {id}/<action>`, by lower-case name) on a resource of this type; the resource
     * need not exist yet (an upload starts before its version is created).
     */
    readonly actions?: Readonly<Record<string, (ctx: RuleContext, id: ArmId, body: Record<string, any> | undefined) => ActionAnswer | Refusal>>;
}

/** A stable GUID for an id: a workspace keeps its workspaceId across emulator restarts. */
export { stableGuid };

/** The object id of a resource's system-assigned identity, as the emulator computes it (stable for its id). */
export function systemPrincipalId(id: ArmId): string {
    return stableGuid(`principal:${id.key}`);
}
