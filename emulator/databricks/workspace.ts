import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { Clusters } from "./clusters";
import { Dbfs } from "./dbfs";
import { noSuchApi } from "./errors";
import { WorkspaceRequest } from "./request";
import { ServingBackend, mlflowServing } from "./servingBackend";
import { ServingDataPlane } from "./servingDataPlane";
import { ServingEndpoints, ServingTrafficMoment } from "./servingEndpoints";
import { servingRequest } from "./servingRoutes";
import { Permissions, PermissionObjectType } from "./permissions";
import { WorkspaceMlflow } from "./workspaceMlflow";

/** The identity every accepted token stands for: the workspace admin who runs the stack. */
export interface WorkspaceUser {
    readonly id: string;
    readonly userName: string;
    readonly displayName: string;
}

export interface WorkspaceSpec {
    /** `adb-<workspaceId>.<n>.azuredatabricks.net`. */
    readonly host: string;
    /** The ARM id of the `Microsoft.Databricks/workspaces` resource. */
    readonly armId: string;
    /** Its folder: `.local/emulator/<run>/databricks/<host>` (`dbfs/`, `mlflow/`). */
    readonly root: string;
}

export interface WorkspaceServices {
    readonly projectDir: string;
    readonly progress: (line: string) => void;
    readonly user: WorkspaceUser;
    readonly timeline: ServingTrafficMoment[];
    /** Milliseconds a cluster takes to start. */
    readonly clusterStartMs: number;
    /** What serves entities; default: the workspace's MLflow registry and MLflow's scoring server. */
    readonly backend?: (parts: { readonly mlflow: WorkspaceMlflow; readonly dbfs: Dbfs }) => ServingBackend;
    /** Uniform random numbers in [0, 1) for routing; tests pass a seeded generator. */
    readonly random?: () => number;
}

/** Where run artifacts go in DBFS, as Databricks keeps them. */
const mlflowArtifactsDbfsPath = "dbfs:/databricks/mlflow-tracking";

/**
 * One Azure Databricks workspace: its DBFS (a local folder), its MLflow (its own `mlflow server`),
 * its serving endpoints (state machine and data plane), clusters and permissions. A workspace
 * created again under the same host starts empty, as a new workspace does.
 */
export class DatabricksWorkspace {
    readonly dbfs: Dbfs;
    readonly mlflow: WorkspaceMlflow;
    readonly endpoints: ServingEndpoints;
    readonly dataPlane: ServingDataPlane;
    readonly clusters: Clusters;
    readonly permissions: Permissions;

    constructor(
        readonly spec: WorkspaceSpec,
        private readonly services: WorkspaceServices,
    ) {
        fs.rmSync(spec.root, { recursive: true, force: true });
        this.dbfs = new Dbfs(path.join(spec.root, "dbfs"));
        this.mlflow = new WorkspaceMlflow({
            projectDir: services.projectDir,
            storeDir: path.join(spec.root, "mlflow"),
            dbfs: this.dbfs,
            artifactsDbfsPath: mlflowArtifactsDbfsPath,
            host: spec.host,
            progress: services.progress,
        });
        const backend = services.backend?.({ mlflow: this.mlflow, dbfs: this.dbfs }) ?? mlflowServing(this.mlflow, services);
        this.permissions = new Permissions((type, id) => this.objectExists(type, id));
        this.endpoints = new ServingEndpoints({
            host: spec.host,
            creator: services.user.userName,
            backend,
            timeline: services.timeline,
            onDeleted: (id) => this.permissions.forget("serving-endpoints", id),
        });
        this.dataPlane = new ServingDataPlane(spec.host, this.endpoints, services.random);
        this.clusters = new Clusters({ startMs: services.clusterStartMs, creator: services.user.userName });
    }

    /** One authenticated request: a JSON body to answer, or undefined when it answered itself. */
    async handle(req: WorkspaceRequest, res: http.ServerResponse): Promise<unknown> {
        const p = req.path;
        const invocation = ServingDataPlane.route(p);
        if (invocation) return this.dataPlane.handle(req, res, invocation);
        if (/^\/api\/2\.0\/serving-endpoints(\/|$)/.test(p)) return servingRequest(this.endpoints, req, res);
        if (/^\/api\/2\.0\/permissions\//.test(p)) return this.permissions.handle(req);
        if (/^\/api\/2\.[01]\/clusters\//.test(p)) return this.clusters.handle(req);
        if (/^\/api\/2\.0\/dbfs\//.test(p)) return this.dbfs.handle(req);
        if (WorkspaceMlflow.serves(p)) return this.mlflow.handle(req, res);
        if (req.method === "GET" && p === "/api/2.0/preview/scim/v2/Me") return this.me();
        throw noSuchApi(req.method, p);
    }

    /** Stops its servers (endpoints, MLflow) and timers. */
    async stop(): Promise<void> {
        this.clusters.stop();
        await this.endpoints.stop();
        await this.mlflow.stop();
    }

    /** SCIM `Me` (databricks-sdk-py `iam.CurrentUserAPI.me`): the token's user, a workspace admin. */
    private me(): unknown {
        const { id, userName, displayName } = this.services.user;
        return {
            schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:workspace:2.0:User"],
            id,
            userName,
            displayName,
            active: true,
            emails: [{ value: userName, type: "work", primary: true }],
            groups: [{ display: "admins", type: "direct", value: "admins" }],
        };
    }

    private async objectExists(type: PermissionObjectType, id: string): Promise<boolean> {
        switch (type) {
            case "serving-endpoints":
                return this.endpoints.hasId(id);
            case "clusters":
                return this.clusters.has(id);
            case "experiments":
                return this.mlflow.experimentExists(id);
            case "registered-models":
                return this.mlflow.registeredModelIdExists(id);
        }
    }
}
