import { ArmServer } from "../arm/armServer";
import { parseArmId } from "../arm/armIds";
import { StoredResource } from "../arm/storedResource";
import { LocalDatabricks } from "./localDatabricks";

/** The ARM type whose creation makes a workspace here. */
export const databricksWorkspaceType = "microsoft.databricks/workspaces";

/**
 * Inside the PUT of a `Microsoft.Databricks/workspaces` resource: the workspace is served at its
 * `workspaceUrl` (computed by ../resources/databricksWorkspace.ts), and on creation its managed
 * resource group (`managedResourceGroupId`) is made in ARM with `managedBy` = the workspace's id,
 * as Azure Databricks creates it (a group that exists is refused by the type's rules before).
 */
export async function workspacePut(arm: ArmServer, databricks: LocalDatabricks, resource: StoredResource, body: Record<string, any>): Promise<void> {
    const properties = { ...(resource.body.properties ?? {}), ...(body.properties ?? {}) };
    const workspaceUrl = String(properties.workspaceUrl ?? "");
    if (!workspaceUrl) throw new Error(`workspace ${resource.id.name} has no workspaceUrl`);
    const managedGroup = String(properties.managedResourceGroupId ?? "");
    if (managedGroup) {
        const existing = arm.resource(managedGroup);
        if (!existing) {
            if (!parseArmId(managedGroup)) throw new Error(`managedResourceGroupId ${managedGroup} is not a resource group id`);
            const stored = arm.storeFromDataPlane(managedGroup, { location: body.location, managedBy: resource.id.id, properties: {} }, "by Azure Databricks, managed by its workspace");
            if ("status" in stored) throw new Error(stored.message);
        } else if (String(existing.body.managedBy ?? "").toLowerCase() !== resource.id.key) {
            throw new Error(`the managed resource group ${managedGroup} already exists: specify a new non-existent managed resource group`);
        }
    }
    databricks.register(workspaceUrl, resource.id.id);
}

/** Inside the DELETE of a workspace: everything it runs stops, and its managed resource group goes with it. */
export async function workspaceDeleted(arm: ArmServer, databricks: LocalDatabricks, resource: StoredResource): Promise<void> {
    const properties = resource.body.properties ?? {};
    if (properties.workspaceUrl) await databricks.unregister(String(properties.workspaceUrl));
    const managedGroup = String(properties.managedResourceGroupId ?? "");
    const group = managedGroup ? arm.resource(managedGroup) : undefined;
    if (group && String(group.body.managedBy ?? "").toLowerCase() === resource.id.key) {
        arm.removeFromDataPlane(managedGroup, "with its Azure Databricks workspace");
    }
}
