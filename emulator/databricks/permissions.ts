import { doesNotExist, invalidParameter, noSuchApi } from "./errors";
import { WorkspaceRequest, jsonBody } from "./request";

/**
 * The permission levels each object type takes (databricks-sdk-py: `serving.ServingEndpointPermissionLevel`,
 * `ml.RegisteredModelPermissionLevel`, `ml.ExperimentPermissionLevel`, `compute.ClusterPermissionLevel`),
 * and the `object_type` the Permissions API answers with (`iam.ObjectPermissions`).
 */
const objectTypes = {
    "serving-endpoints": { objectType: "serving-endpoint", levels: ["CAN_MANAGE", "CAN_QUERY", "CAN_VIEW"] },
    "registered-models": {
        objectType: "registered-model",
        levels: ["CAN_READ", "CAN_EDIT", "CAN_MANAGE_STAGING_VERSIONS", "CAN_MANAGE_PRODUCTION_VERSIONS", "CAN_MANAGE"],
    },
    experiments: { objectType: "mlflowExperiment", levels: ["CAN_READ", "CAN_EDIT", "CAN_MANAGE"] },
    clusters: { objectType: "cluster", levels: ["CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"] },
} as const;

export type PermissionObjectType = keyof typeof objectTypes;

const principalKeys = ["user_name", "group_name", "service_principal_name"] as const;

/** One entry of an access control list as requested: exactly one principal and a level. */
interface AccessControl {
    readonly principalKey: (typeof principalKeys)[number];
    readonly principal: string;
    readonly level: string;
}

/** Whether an object of a type exists in the workspace (the endpoint's id, the experiment's id, ...). */
export type ObjectExists = (type: PermissionObjectType, id: string) => Promise<boolean>;

/**
 * The Permissions API (`/api/2.0/permissions/<type>/<id>`, databricks-sdk-py `iam.PermissionsAPI`)
 * for the object types a stack declares: GET answers the list; PUT replaces it (`set`); PATCH
 * adds to it, a principal's level replaced (`update`); `.../permissionLevels` lists the levels.
 * A level the object type does not take is 400 INVALID_PARAMETER_VALUE; an object that does not
 * exist 404 RESOURCE_DOES_NOT_EXIST. Only what was set is listed: the workspace admins' inherited
 * CAN_MANAGE that Databricks adds to every answer is left out.
 */
export class Permissions {
    private readonly lists = new Map<string, AccessControl[]>();

    constructor(private readonly exists: ObjectExists) {}

    async handle(req: WorkspaceRequest): Promise<unknown> {
        const match = /^\/api\/2\.0\/permissions\/([^/]+)\/([^/]+)(\/permissionLevels)?$/.exec(req.path);
        const type = match?.[1] as PermissionObjectType | undefined;
        if (!match || !type || !(type in objectTypes)) throw noSuchApi(req.method, req.path);
        const id = decodeURIComponent(match[2]);
        if (!(await this.exists(type, id))) throw doesNotExist(`${objectTypes[type].objectType} ${id} does not exist.`);
        if (match[3]) {
            if (req.method !== "GET") throw noSuchApi(req.method, req.path);
            return { permission_levels: objectTypes[type].levels.map((permission_level) => ({ permission_level, description: "" })) };
        }
        const key = `${type}/${id}`;
        if (req.method === "PUT" || req.method === "PATCH") {
            const requested = accessControls(type, jsonBody(req).access_control_list);
            const kept = req.method === "PATCH" ? (this.lists.get(key) ?? []).filter((c) => !requested.some((r) => samePrincipal(r, c))) : [];
            this.lists.set(key, [...kept, ...requested]);
        } else if (req.method !== "GET") {
            throw noSuchApi(req.method, req.path);
        }
        return this.view(type, id);
    }

    /** Forgets an object's list (the object was deleted). */
    forget(type: PermissionObjectType, id: string): void {
        this.lists.delete(`${type}/${id}`);
    }

    private view(type: PermissionObjectType, id: string): unknown {
        const list = this.lists.get(`${type}/${id}`) ?? [];
        return {
            object_id: `/${type}/${id}`,
            object_type: objectTypes[type].objectType,
            access_control_list: list.map((c) => ({ [c.principalKey]: c.principal, all_permissions: [{ permission_level: c.level, inherited: false }] })),
        };
    }
}

function accessControls(type: PermissionObjectType, list: unknown): AccessControl[] {
    if (!Array.isArray(list)) throw invalidParameter("access_control_list must be a list");
    const levels: readonly string[] = objectTypes[type].levels;
    const controls = list.map((entry: Record<string, unknown>) => {
        const given = principalKeys.filter((k) => typeof entry?.[k] === "string" && entry[k] !== "");
        if (given.length !== 1) throw invalidParameter(`Each access control names exactly one of ${principalKeys.join(", ")}`);
        const level = String(entry.permission_level ?? "");
        if (!levels.includes(level)) {
            throw invalidParameter(`Permission level ${level} is not supported for ${objectTypes[type].objectType}; valid levels: ${levels.join(", ")}`);
        }
        return { principalKey: given[0], principal: String(entry[given[0]]), level };
    });
    // One entry per principal: the last level given wins.
    return controls.filter((c, i) => !controls.slice(i + 1).some((later) => samePrincipal(later, c)));
}

function samePrincipal(a: AccessControl, b: AccessControl): boolean {
    return a.principalKey === b.principalKey && a.principal === b.principal;
}
