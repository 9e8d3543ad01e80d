import { createHash } from "crypto";
import { badRequest, Refusal } from "../arm/azureErrors";
import type { ArmId } from "../arm/armIds";
import { EmulatedType, mapping, trackedLocation } from "./resourceType";

/** `/subscriptions/<s>/resourceGroups/<name>`: what `managedResourceGroupId` must be. */
const resourceGroupId = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i;
const skuNames = ["standard", "premium", "trial"];

/**
 * The workspace's id in the Databricks control plane (`workspaceId`): a 16-digit number, here
 * derived from the ARM id so a workspace keeps it across emulator restarts (Azure assigns one at
 * create; real ones have 15-16 digits).
 */
export function databricksWorkspaceId(armId: string): string {
    const digest = createHash("sha256").update(`databricks:${armId.toLowerCase()}`).digest();
    return (BigInt(`0x${digest.subarray(0, 8).toString("hex")}`) % 9_000_000_000_000_000n + 1_000_000_000_000_000n).toString();
}

/**
 * The workspace's host (`workspaceUrl`, spec: "of the format 'adb-{workspaceId}.{random}.azuredatabricks.net'"),
 * its `{random}` a digit derived from the ARM id (stable, as for a real workspace).
 */
export function databricksWorkspaceUrl(armId: string): string {
    const digit = createHash("sha256").update(`databricks-url:${armId.toLowerCase()}`).digest()[0] % 10;
    return `adb-${databricksWorkspaceId(armId)}.${digit}.azuredatabricks.net`;
}

/** The resource group a resource lives in, as an id. */
function ownGroup(id: ArmId): string {
    return `/subscriptions/${id.subscription}/resourceGroups/${id.resourceGroup}`;
}

/** Why Azure refuses this workspace's managed resource group (sources in `databricksWorkspace` below). */
function managedGroupProblem(id: ArmId, body: Record<string, any>, exists: (groupId: string) => boolean, existing?: Record<string, any>): Refusal | undefined {
    const properties = body.properties ?? {};
    const wanted = properties.managedResourceGroupId;
    const serverless = String(properties.computeMode ?? "").toLowerCase() === "serverless";
    if (serverless) {
        return wanted === undefined ? undefined : badRequest("managedResourceGroupId is not allowed in a Serverless ComputeMode workspace.");
    }
    if (typeof wanted !== "string" || wanted === "") {
        return badRequest("managedResourceGroupId is required: the id of a resource group that does not exist yet, which Azure Databricks creates and manages.");
    }
    if (existing) {
        const before = String(existing.properties?.managedResourceGroupId ?? "");
        return before.toLowerCase() === wanted.toLowerCase()
            ? undefined
            : badRequest(`The managed resource group of workspace '${id.name}' cannot be changed (it is '${before}', the request asks for '${wanted}'); create a new workspace instead.`);
    }
    if (!resourceGroupId.test(wanted)) {
        return badRequest(`managedResourceGroupId '${wanted}' is not a resource group id (/subscriptions/<subscription>/resourceGroups/<name>).`);
    }
    if (wanted.toLowerCase() === ownGroup(id).toLowerCase()) {
        return badRequest(`The managed resource group '${wanted}' cannot be the resource group the workspace is created in.`);
    }
    if (exists(wanted)) {
        return { status: 400, code: "ApplianceProvisioningFailed", message: `The managed resource group '${wanted}' already exists. Please specify a new non-existent managed resource group` };
    }
    return undefined;
}

/**
 * Azure Databricks workspaces (Microsoft.Databricks/workspaces), as @pulumi/azure-native 3.28.0
 * calls them (API 2026-01-01, `databricks/workspace.d.ts`). Spec:
 * Azure/azure-rest-api-specs `specification/databricks/resource-manager/Microsoft.Databricks/Databricks/stable/2026-01-01/databricks.json`.
 *
 * Replace keys (R1): the path parameters and `location` (TrackedResource `x-ms-mutability: [read,
 * create]`). In that spec `managedResourceGroupId`, `defaultCatalog`, `computeMode` and `sku` carry
 * no `x-ms-mutability` ("Required on create, cannot be changed" is prose only) and
 * `gen/replacement.go` forceNewMap has no Databricks entry: the real provider PUTs a change of
 * them in place, and Azure refuses the changed managed group (the rule below).
 *
 * Rules:
 * - `sku.name` one of standard, premium, trial (azurerm's validation of the same field,
 *   hashicorp/terraform-provider-azurerm#2399; the spec types it as a free string);
 * - `managedResourceGroupId` required in a Hybrid workspace (the default here; the spec: "Required in
 *   Hybrid ComputeMode workspace. Not allowed in Serverless"), a resource-group id, not the
 *   workspace's own group, and not existing at create: "The managed resource group '...' already
 *   exists. Please specify a new non-existent managed resource group" (pulumi/pulumi-azure-native#3643;
 *   #3733: a group declared beforehand fails). Azure fails the create's operation
 *   (ApplianceProvisioningFailed); the emulator refuses the PUT itself, earlier;
 * - the managed resource group cannot change after create (spec prose; Azure's exact error is not
 *   verified here);
 * - computed, read-only: `workspaceId` (numeric), `workspaceUrl` (`adb-<workspaceId>.<digit>.azuredatabricks.net`),
 *   both stable for the ARM id, `isUcEnabled` (true when `defaultCatalog.initialType` is UnityCatalog:
 *   the emulator's choice), `createdDateTime`, `provisioningState`.
 * Creating and deleting the managed resource group, and the workspace's Databricks API, happen in
 * the local Azure's hooks (emulator/localAzure.ts).
 */
export const databricksWorkspace: EmulatedType = {
    token: "azure-native:databricks:Workspace",
    armType: "Microsoft.Databricks/workspaces",
    mapping: mapping("workspaceName", (i) => `/providers/Microsoft.Databricks/workspaces/${i.workspaceName}`, ["workspaceName"], true),
    sdkFile: "databricks/workspace",
    forceNew: { location: trackedLocation },
    rules: {
        readOnly: ["workspaceId", "workspaceUrl", "isUcEnabled", "createdDateTime", "diskEncryptionSetId", "privateEndpointConnections"],
        checkPut(ctx, id, body, existing) {
            const sku = body.sku?.name;
            if (typeof sku !== "string" || !skuNames.includes(sku)) {
                return badRequest(`sku.name '${sku ?? ""}' is not valid for an Azure Databricks workspace: one of ${skuNames.join(", ")}.`);
            }
            const before = existing?.body.properties?.computeMode;
            const after = body.properties?.computeMode;
            if (existing && String(before ?? "Hybrid").toLowerCase() !== String(after ?? "Hybrid").toLowerCase()) {
                return badRequest(`The compute mode of workspace '${id.name}' cannot be changed.`);
            }
            return managedGroupProblem(id, body, (group) => ctx.get(group) !== undefined, existing?.body);
        },
        complete(id, body, existing) {
            return {
                ...body,
                properties: {
                    ...body.properties,
                    workspaceId: databricksWorkspaceId(id.id),
                    workspaceUrl: databricksWorkspaceUrl(id.id),
                    isUcEnabled: String(body.properties?.defaultCatalog?.initialType ?? "").toLowerCase() === "unitycatalog",
                    createdDateTime: existing?.createdAt ?? new Date().toISOString(),
                },
            };
        },
    },
};
