import { ArmId, isBelow } from "../arm/armIds";
import { Refusal } from "../arm/azureErrors";
import { RuleContext, StoredResource, systemPrincipalId } from "../arm/storedResource";
import { EmulatedType } from "./resourceType";

export const roleAssignmentType = "Microsoft.Authorization/roleAssignments";

interface RoleDefinition {
    readonly roleName: string;
    readonly actions: readonly string[];
    readonly notActions: readonly string[];
}

/**
 * The built-in roles the emulator knows, by role definition GUID, with their control-plane
 * permissions as Azure publishes them (none has dataActions that matter here). Sources:
 * MicrosoftDocs/azure-docs `articles/role-based-access-control/built-in-roles/privileged.md`
 * (Owner, Contributor), `general.md` (Reader), `ai-machine-learning.md#azureml-registry-user`
 * ("Can perform all actions on Machine Learning Services Registry assets as well as get Registry
 * resources"). A role definition not listed here is refused as not existing.
 */
export const builtInRoles: Readonly<Record<string, RoleDefinition>> = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": { roleName: "Owner", actions: ["*"], notActions: [] },
    "b24988ac-6180-42a0-ab88-20f7382dd24c": {
        roleName: "Contributor",
        actions: ["*"],
        notActions: [
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
            "Microsoft.Compute/galleries/share/action",
            "Microsoft.Purview/consents/write",
            "Microsoft.Purview/consents/delete",
            "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
            "Microsoft.Subscription/cancel/action",
            "Microsoft.Subscription/enable/action",
        ],
    },
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": { roleName: "Reader", actions: ["*/read"], notActions: [] },
    "1823dd4f-9b8c-4ab6-ab4e-7397a3684615": {
        roleName: "AzureML Registry User",
        actions: ["Microsoft.MachineLearningServices/registries/read", "Microsoft.MachineLearningServices/registries/assets/*"],
        notActions: [],
    },
};

/** An RBAC action pattern (`*` matches anything, `/` included) against an action, without case. */
function matches(pattern: string, action: string): boolean {
    const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
    return regex.test(action);
}

/** Whether a role grants an action: one of its actions matches and none of its notActions does. */
export function roleGrants(role: RoleDefinition, action: string): boolean {
    return role.actions.some((p) => matches(p, action)) && !role.notActions.some((p) => matches(p, action));
}

/** The role definition's GUID from its id (`[/subscriptions/<s>]/providers/Microsoft.Authorization/roleDefinitions/<guid>`). */
function roleGuidOf(roleDefinitionId: unknown): string | undefined {
    return /^(?:\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i.exec(String(roleDefinitionId ?? ""))?.[1]?.toLowerCase();
}

/** The scope a role assignment is at: its id before `/providers/Microsoft.Authorization/roleAssignments/<name>`. */
export function assignmentScope(id: ArmId): string {
    return id.id.slice(0, id.id.toLowerCase().lastIndexOf("/providers/microsoft.authorization/"));
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a principal holds, at `scope` or above it (resource group, subscription), a role
 * assignment whose role grants `action`: how Azure RBAC decides (role assignments are inherited
 * by child scopes; effective permissions are actions minus notActions).
 */
export function principalMay(ctx: RuleContext, principalId: string, action: string, scope: string): boolean {
    return ctx.ofType(roleAssignmentType).some((assignment) => {
        const at = assignmentScope(assignment.id);
        const role = builtInRoles[roleGuidOf(assignment.body.properties?.roleDefinitionId) ?? ""];
        return (
            sameId(String(assignment.body.properties?.principalId ?? ""), principalId) && (sameId(at, scope) || isBelow(scope, at)) && role !== undefined && roleGrants(role, action)
        );
    });
}

/** Resource types whose system-assigned identity the emulator computes and knows as a service principal. */
const identityTypes = [
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "Microsoft.MachineLearningServices/workspaces/batchEndpoints",
    "Microsoft.MachineLearningServices/registries",
];

/** The emulated resource whose system-assigned identity is this principal, if any. */
function identityOwner(ctx: RuleContext, principalId: string): StoredResource | undefined {
    return identityTypes
        .flatMap((type) => ctx.ofType(type))
        .find((r) => String(r.body.identity?.type ?? "").includes("SystemAssigned") && sameId(systemPrincipalId(r.id), principalId));
}

function checkAssignment(ctx: RuleContext, id: ArmId, body: Record<string, any>, existing: StoredResource | undefined): Refusal | undefined {
    const properties = body.properties ?? {};
    if (!guid.test(id.name)) return { status: 400, code: "InvalidRoleAssignmentId", message: `The role assignment ID '${id.name}' is not valid. The role assignment ID must be a GUID.` };
    const roleGuid = roleGuidOf(properties.roleDefinitionId);
    if (!roleGuid || !builtInRoles[roleGuid]) {
        return { status: 400, code: "RoleDefinitionDoesNotExist", message: `The specified role definition with ID '${roleGuid ?? properties.roleDefinitionId}' does not exist.` };
    }
    const principalId = String(properties.principalId ?? "");
    if (!guid.test(principalId)) return { status: 400, code: "InvalidPrincipalId", message: "A valid principal ID must be provided for role assignment." };
    if (existing && !sameId(String(existing.body.properties?.principalId ?? ""), principalId)) {
        return { status: 400, code: "RoleAssignmentUpdateNotPermitted", message: "Tenant ID, application ID, principal ID, and scope are not allowed to be updated." };
    }
    if (identityOwner(ctx, principalId) && properties.principalType !== undefined && properties.principalType !== "ServicePrincipal") {
        return {
            status: 400,
            code: "UnmatchedPrincipalType",
            message: `The PrincipalId '${principalId}' has type 'ServicePrincipal' , which is different from specified PrincipalType '${properties.principalType}'.`,
        };
    }
    const scope = assignmentScope(id);
    const twin = ctx
        .ofType(roleAssignmentType)
        .find(
            (other) =>
                other.id.key !== id.key &&
                sameId(assignmentScope(other.id), scope) &&
                sameId(String(other.body.properties?.principalId ?? ""), principalId) &&
                roleGuidOf(other.body.properties?.roleDefinitionId) === roleGuid,
        );
    if (twin) {
        return { status: 409, code: "RoleAssignmentExists", message: `The role assignment already exists. The ID of the existing role assignment is ${twin.id.name.replace(/-/g, "")}.` };
    }
    return undefined;
}

/**
 * A role assignment (`Microsoft.Authorization/roleAssignments`, API 2022-04-01), an extension
 * resource at any scope: `{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}`
 * (azure-native: path parameters `scope`, `roleAssignmentName`; body `properties` flattened).
 */
export const roleAssignment: EmulatedType = {
    token: "azure-native:authorization:RoleAssignment",
    armType: roleAssignmentType,
    mapping: {
        nameInput: "roleAssignmentName",
        path: (i) => `${String(i.scope).replace(/\/+$/, "")}/providers/${roleAssignmentType}/${i.roleAssignmentName}`,
        pathInputs: ["scope", "roleAssignmentName"],
        flattened: true,
        scoped: true,
    },
    sdkFile: "authorization/roleAssignment",
    // gen/replacement.go forceNewMap "Authorization": {"RoleAssignment": ("principalId", "scope")}
    // (pulumi/pulumi-azure-native#771, PR #1010); scope is a path parameter already.
    forceNew: { principalId: "gen/replacement.go forceNewMap Authorization.RoleAssignment" },
    rules: {
        checkPut: checkAssignment,
        complete(id, body, existing) {
            const now = new Date().toISOString();
            return { ...body, properties: { ...body.properties, scope: assignmentScope(id), createdOn: existing?.body.properties?.createdOn ?? now, updatedOn: now } };
        },
    },
};
