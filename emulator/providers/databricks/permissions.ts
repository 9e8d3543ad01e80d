import type * as provider from "@pulumi/pulumi/provider";
import { containsUnknown } from "../azureNative/inputDiff";
import { isMissing } from "./restClient";
import { DatabricksResourceType, OperationContext } from "./resourceType";

/**
 * The object kinds served, as TF permissions/permission_definitions.go @684f442 maps them: the
 * input naming the object, the Permissions API's path segment (`requestObjectType`), the
 * `object_type` its answers carry, the levels allowed (management ones marked), and whether the
 * caller is added as CAN_MANAGE on create, update and delete (`update.AddCurrentUserAsManage`).
 */
const kinds = [
    { field: "servingEndpointId", requestType: "serving-endpoints", objectType: "serving-endpoint", levels: { CAN_VIEW: false, CAN_QUERY: false, CAN_MANAGE: true }, addCaller: true },
    {
        field: "registeredModelId",
        requestType: "registered-models",
        objectType: "registered-model",
        levels: { CAN_READ: false, CAN_EDIT: false, CAN_MANAGE_STAGING_VERSIONS: false, CAN_MANAGE_PRODUCTION_VERSIONS: false, CAN_MANAGE: true },
        addCaller: true,
    },
    { field: "experimentId", requestType: "experiments", objectType: "mlflowExperiment", levels: { CAN_READ: false, CAN_EDIT: false, CAN_MANAGE: true }, addCaller: false },
    { field: "clusterId", requestType: "clusters", objectType: "cluster", levels: { CAN_ATTACH_TO: false, CAN_RESTART: false, CAN_MANAGE: true }, addCaller: true },
] as const;
type Kind = (typeof kinds)[number];

/** The other object fields of the real resource: legal there, not served here. */
const unservedFields = [
    "appName", "authorization", "clusterPolicyId", "dashboardId", "databaseInstanceName", "databaseProjectName", "directoryId", "directoryPath",
    "instancePoolId", "jobId", "knowledgeAssistantId", "notebookId", "notebookPath", "pipelineId", "repoId", "repoPath", "sqlAlertId",
    "sqlDashboardId", "sqlEndpointId", "sqlQueryId", "supervisorAgentId", "vectorSearchEndpointId", "workspaceFileId", "workspaceFilePath",
];
const principals = [
    ["userName", "user_name"],
    ["groupName", "group_name"],
    ["servicePrincipalName", "service_principal_name"],
] as const;

interface AccessControl {
    readonly userName?: string;
    readonly groupName?: string;
    readonly servicePrincipalName?: string;
    readonly permissionLevel: string;
}

function kindOfId(id: string): { kind: Kind; objectId: string } {
    const [, requestType, ...rest] = id.split("/");
    const kind = kinds.find((k) => k.requestType === requestType);
    if (!kind) throw new Error(`resource type for ${id} not found`);
    return { kind, objectId: rest.join("/") };
}

/** An access control as the API takes it. */
function toApi(control: AccessControl): Record<string, string> {
    const entry: Record<string, string> = { permission_level: control.permissionLevel };
    for (const [input, api] of principals) if (control[input]) entry[api] = control[input]!;
    return entry;
}

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
const names = (control: AccessControl, user: string) => same(control.userName, user) || same(control.servicePrincipalName, user);

/** A set of access controls in one order, user and service-principal names lower-cased (TF's set hash, #5183). */
function controlSet(value: unknown): unknown {
    if (!Array.isArray(value)) return value;
    return value
        .map((c: Record<string, any>) => ({
            userName: c.userName ? String(c.userName).toLowerCase() : undefined,
            groupName: c.groupName || undefined,
            servicePrincipalName: c.servicePrincipalName ? String(c.servicePrincipalName).toLowerCase() : undefined,
            permissionLevel: c.permissionLevel,
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function caller(ctx: OperationContext): Promise<string> {
    const me = await ctx.client.get<{ userName: string }>("/api/2.0/preview/scim/v2/Me");
    return me.userName;
}

/** TF `PermissionsAPI.Update`: checks the list against the caller, adds the caller as CAN_MANAGE where the kind wants it, PUTs it. */
async function put(ctx: OperationContext, kind: Kind, objectId: string, controls: readonly AccessControl[]): Promise<void> {
    const me = await caller(ctx);
    for (const control of controls) {
        if (control.groupName === "admins") throw new Error(`it is not possible to modify admin permissions for ${kind.objectType} resources`);
        const management = (kind.levels as Record<string, boolean>)[control.permissionLevel];
        if (names(control, me) && !management) {
            const allowed = Object.entries(kind.levels).filter(([, m]) => m).map(([level]) => level);
            throw new Error(`cannot remove management permissions for the current user for ${kind.objectType}, allowed levels: ${allowed.join(", ")}`);
        }
    }
    const list = controls.map(toApi);
    if (kind.addCaller && !controls.some((c) => names(c, me))) list.push({ user_name: me, permission_level: "CAN_MANAGE" });
    await ctx.client.put(`/api/2.0/permissions/${kind.requestType}/${encodeURIComponent(objectId)}`, { access_control_list: list });
}

/**
 * `databricks:index/permissions:Permissions` (TF `databricks_permissions`,
 * permissions/resource_permissions.go @684f442) for serving endpoints, registered models,
 * experiments and clusters:
 * - ForceNew: the object's id field (each of them); exactly one is given;
 * - `access_control` is a set (at least one), user and service-principal names compared without
 *   case; each level must be one the object kind takes (checked at plan time, as TF's CustomizeDiff);
 * - create/update: the caller (`/preview/scim/v2/Me`) may not take itself below management nor touch
 *   `admins`; it is added as CAN_MANAGE unless listed (not for experiments); PUT
 *   `/api/2.0/permissions/<type>/<id>` replaces the list; id = `/<type>/<object id>`;
 * - read: GET; the caller (unless the program lists it), `admins` and inherited levels left out; an
 *   empty list or a missing object removes it from the state; `object_type` must be the kind's;
 * - delete: the list reset to `admins`' direct levels plus the caller as CAN_MANAGE (where the kind
 *   adds it); a missing object is done.
 */
export const permissions: DatabricksResourceType = {
    token: "databricks:index/permissions:Permissions",
    tfName: "permissions",
    named: false,
    rules: {
        replaceKeys: [...kinds.map((k) => k.field), ...unservedFields],
        computed: ["objectType"],
        normalize: { accessControls: controlSet },
    },

    check(_urn, _olds, news) {
        const failures: provider.CheckFailure[] = unservedFields
            .filter((field) => news[field] !== undefined && news[field] !== null)
            .map((field) => ({ property: field, reason: `Permissions: the local databricks provider does not serve '${field}' objects (emulator/providers/databricks/README.md)` }));
        const given = kinds.filter((k) => news[k.field] !== undefined && news[k.field] !== null && news[k.field] !== "");
        if (given.length + failures.length === 0) {
            const allowed = [...kinds.map((k) => k.field), ...unservedFields].sort().join(", ");
            failures.push({ property: "", reason: `at least one type of resource identifier must be set; allowed fields: ${allowed}` });
        }
        if (given.length > 1) failures.push({ property: given[1].field, reason: `"${given[1].field}": conflicts with ${given[0].field}` });
        const controls = news.accessControls;
        if (!containsUnknown(controls)) {
            if (!Array.isArray(controls) || controls.length === 0) failures.push({ property: "accessControls", reason: "accessControls: at least 1 item is required" });
            for (const control of Array.isArray(controls) ? (controls as AccessControl[]) : []) {
                if (containsUnknown(control)) continue;
                if (principals.filter(([input]) => control[input]).length !== 1) {
                    failures.push({ property: "accessControls", reason: "each access control names exactly one of userName, groupName, servicePrincipalName" });
                }
                const kind = given[0];
                if (kind && !(control.permissionLevel in kind.levels)) {
                    const allowed = Object.keys(kind.levels).sort().join(", ");
                    failures.push({ property: "accessControls", reason: `permission_level ${control.permissionLevel} is not supported with ${snake(kind.field)} objects; allowed levels: ${allowed}` });
                }
            }
        }
        return { inputs: news, failures };
    },

    async create(ctx, inputs) {
        const kind = kinds.find((k) => inputs[k.field])!;
        const objectId = String(inputs[kind.field]);
        await put(ctx, kind, objectId, inputs.accessControls);
        const id = `/${kind.requestType}/${objectId}`;
        const outs = await this.read(ctx, id, inputs);
        if (!outs) throw new Error(`the permissions of ${id} were set but read back empty`);
        return { id, outs };
    },

    async read(ctx, id, props) {
        const { kind, objectId } = kindOfId(id);
        let answer: Record<string, any>;
        try {
            answer = await ctx.client.get(`/api/2.0/permissions/${kind.requestType}/${encodeURIComponent(objectId)}`);
        } catch (err) {
            if (isMissing(err)) return undefined;
            throw err;
        }
        if (answer.object_type !== kind.objectType) throw new Error(`expected object type ${kind.objectType}, got ${answer.object_type}`);
        const me = await caller(ctx);
        const listed: AccessControl[] = (ctx.oldInputs ?? props).accessControls ?? [];
        const controls: AccessControl[] = [];
        for (const entry of answer.access_control_list ?? []) {
            const control = { userName: entry.user_name, groupName: entry.group_name, servicePrincipalName: entry.service_principal_name };
            if (names({ ...control, permissionLevel: "" }, me) && !listed.some((c) => names(c, me))) continue;
            if (control.groupName === "admins") continue;
            for (const permission of entry.all_permissions ?? []) {
                if (permission.inherited) continue;
                controls.push(
                    Object.fromEntries(
                        Object.entries({
                            userName: control.userName?.toLowerCase(),
                            groupName: control.groupName,
                            servicePrincipalName: control.servicePrincipalName?.toLowerCase(),
                            permissionLevel: permission.permission_level,
                        }).filter(([, v]) => v !== undefined && v !== ""),
                    ) as unknown as AccessControl,
                );
            }
        }
        if (controls.length === 0) return undefined;
        const objectFields = Object.fromEntries(kinds.map((k) => [k.field, k === kind ? objectId : undefined]));
        return Object.fromEntries(Object.entries({ ...props, ...objectFields, objectType: kind.objectType, accessControls: controls }).filter(([key, v]) => v !== undefined && !key.startsWith("__")));
    },

    async update(ctx, id, _olds, news) {
        const { kind, objectId } = kindOfId(id);
        await put(ctx, kind, objectId, news.accessControls);
        const outs = await this.read(ctx, id, news);
        if (!outs) throw new Error(`the permissions of ${id} were set but read back empty`);
        return outs;
    },

    async delete(ctx, id) {
        const { kind, objectId } = kindOfId(id);
        const path = `/api/2.0/permissions/${kind.requestType}/${encodeURIComponent(objectId)}`;
        let answer: Record<string, any>;
        try {
            answer = await ctx.client.get(path);
        } catch (err) {
            if (isMissing(err)) return;
            throw err;
        }
        const kept: Record<string, string>[] = [];
        for (const entry of answer.access_control_list ?? []) {
            if (entry.group_name !== "admins") continue;
            const direct = (entry.all_permissions ?? []).find((p: Record<string, any>) => !p.inherited);
            if (direct) kept.push({ group_name: "admins", permission_level: direct.permission_level });
        }
        if (kind.addCaller) kept.push({ user_name: await caller(ctx), permission_level: "CAN_MANAGE" });
        await ctx.client.put(path, { access_control_list: kept }).catch((err) => {
            if (!isMissing(err)) throw err;
        });
    },
};

function snake(field: string): string {
    return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
