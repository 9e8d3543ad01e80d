/**
 * ARM resource ids, as Resource Manager reads them: `/subscriptions/<s>/resourceGroups/<rg>` for a
 * group, `.../providers/<Namespace>/<type>/<name>[/<subtype>/<name>...]` below it. Ids compare
 * without regard to case (ARM's rule); the type is the namespace and the type segments, e.g.
 * `Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments`.
 */
export interface ArmId {
    /** The id as given (its case kept for answers). */
    readonly id: string;
    /** Lower-cased: the key resources are stored under. */
    readonly key: string;
    readonly subscription: string;
    /** Empty for a resource at the subscription. */
    readonly resourceGroup: string;
    /** `Microsoft.Resources/resourceGroups` for a group. */
    readonly type: string;
    readonly name: string;
    /** The id of the resource this one lives in (the group for a top-level resource, the scope for an extension resource; none at the subscription). */
    readonly parent?: string;
}

export function parseArmId(path: string): ArmId | undefined {
    const id = path.replace(/\/+$/, "");
    const extension = parseExtensionId(id);
    if (extension !== undefined) return extension || undefined;
    const group = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)(?:\/providers\/([^/]+)\/(.+))?$/i.exec(id);
    if (!group) return undefined;
    const [, subscription, resourceGroup, namespace, rest] = group;
    const groupId = `/subscriptions/${subscription}/resourceGroups/${resourceGroup}`;
    if (!namespace) {
        return { id, key: id.toLowerCase(), subscription, resourceGroup, type: "Microsoft.Resources/resourceGroups", name: resourceGroup };
    }
    const segments = rest.split("/");
    if (segments.length % 2 !== 0 || segments.some((s) => s === "")) return undefined;
    const types = segments.filter((_, i) => i % 2 === 0);
    const parent = segments.length === 2 ? groupId : id.slice(0, id.length - segments.slice(-2).join("/").length - 1);
    return {
        id,
        key: id.toLowerCase(),
        subscription,
        resourceGroup,
        type: `${namespace}/${types.join("/")}`,
        name: segments[segments.length - 1],
        parent,
    };
}

/**
 * A resource at a scope that is not a resource group's provider path: one at the subscription
 * (`/subscriptions/<s>/providers/<Namespace>/<type>/<name>`) or an extension resource of another
 * resource (`<resource id>/providers/<Namespace>/<type>/<name>`, e.g. a role assignment on a
 * registry), whose parent is that scope. Undefined: not such an id; false: such an id, malformed.
 */
function parseExtensionId(id: string): ArmId | false | undefined {
    const at = id.toLowerCase().lastIndexOf("/providers/");
    if (at <= 0) return undefined;
    const scope = id.slice(0, at);
    const atSubscription = /^\/subscriptions\/([^/]+)$/i.exec(scope);
    if (!atSubscription && !scope.toLowerCase().includes("/providers/")) return undefined;
    const tail = id.slice(at + "/providers/".length).split("/");
    if (tail.length !== 3 || tail.some((s) => s === "")) return false;
    const type = `${tail[0]}/${tail[1]}`;
    if (atSubscription) return { id, key: id.toLowerCase(), subscription: atSubscription[1], resourceGroup: "", type, name: tail[2] };
    const parent = parseArmId(scope);
    if (!parent) return false;
    return { id, key: id.toLowerCase(), subscription: parent.subscription, resourceGroup: parent.resourceGroup, type, name: tail[2], parent: parent.id };
}

/** Whether `child` lies below `ancestor` (both ids). */
export function isBelow(child: string, ancestor: string): boolean {
    return child.toLowerCase().startsWith(`${ancestor.toLowerCase()}/`);
}
