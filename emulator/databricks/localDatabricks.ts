import * as path from "path";
import { workspaceHost } from "../../runtime/databricks/workspaceUrl";
import { DatabricksServer } from "./databricksServer";
import { ServingRequestRecord } from "./servingDataPlane";
import { ConfigUpdate, ServingTrafficMoment } from "./servingEndpoints";
import { DatabricksWorkspace, WorkspaceServices, WorkspaceUser } from "./workspace";

export interface LocalDatabricksOptions {
    readonly projectDir: string;
    /** The run's Databricks folder (`.local/emulator/<run>/databricks`): a folder per workspace host. */
    readonly root: string;
    /** The local Azure's token: the workspaces take `dbx-<token>`, the token the stand-in `az` hands out for Azure Databricks. */
    readonly token: string;
    readonly progress: (line: string) => void;
    /** Milliseconds a cluster takes from PENDING to RUNNING. Default 2000. */
    readonly clusterStartMs?: number;
    /** What serves entities (tests give a fake); default: MLflow's registry and scoring server. */
    readonly backend?: WorkspaceServices["backend"];
    readonly random?: () => number;
}

/** The token holder every workspace knows: its admin (SCIM `Me`, endpoints' `creator`). */
export const localDatabricksUser: WorkspaceUser = { id: "4000000000000001", userName: "local-user@emulator.invalid", displayName: "Local emulator user" };

/**
 * Azure Databricks on this machine: every workspace of the run behind one server
 * (databricksServer.ts), registered when its ARM resource is created and stopped when it is
 * deleted, and what tests and engine scenarios ask of it.
 */
export class LocalDatabricks {
    /** Every change of a serving endpoint's live routes, in every workspace, oldest first. */
    readonly trafficTimeline: ServingTrafficMoment[] = [];
    private readonly workspaces = new Map<string, DatabricksWorkspace>();
    private readonly server: DatabricksServer;

    private constructor(private readonly options: LocalDatabricksOptions) {
        this.server = new DatabricksServer({ token: `dbx-${options.token}`, workspace: (host) => this.workspaces.get(host) });
    }

    static async start(options: LocalDatabricksOptions): Promise<LocalDatabricks> {
        const databricks = new LocalDatabricks(options);
        await databricks.server.start();
        return databricks;
    }

    /** `DATABRICKS_EMULATOR_URL`: workspace `<host>` is served at `<url>/<host>/`. */
    get url(): string {
        return this.server.url;
    }

    /** The bearer token the workspaces take. */
    get token(): string {
        return `dbx-${this.options.token}`;
    }

    /** A workspace's base URL here (what `databricksBaseUrl(workspaceUrl)` resolves to). */
    baseUrl(workspaceUrl: string): string {
        return `${this.url}/${workspaceHost(workspaceUrl)}`;
    }

    /** Serves a workspace (created in ARM) from now on; a host served already keeps its state. */
    register(workspaceUrl: string, armId: string): DatabricksWorkspace {
        const host = workspaceHost(workspaceUrl);
        const known = this.workspaces.get(host);
        if (known) return known;
        const workspace = new DatabricksWorkspace(
            { host, armId, root: path.join(this.options.root, host) },
            {
                projectDir: this.options.projectDir,
                progress: this.options.progress,
                user: localDatabricksUser,
                timeline: this.trafficTimeline,
                clusterStartMs: this.options.clusterStartMs ?? 2000,
                backend: this.options.backend,
                random: this.options.random,
            },
        );
        this.workspaces.set(host, workspace);
        return workspace;
    }

    /** Stops everything a deleted workspace runs; its host answers 404 from now on. */
    async unregister(workspaceUrl: string): Promise<void> {
        const host = workspaceHost(workspaceUrl);
        const workspace = this.workspaces.get(host);
        if (!workspace) return;
        this.workspaces.delete(host);
        await workspace.stop();
    }

    workspace(workspaceUrl: string): DatabricksWorkspace | undefined {
        return this.workspaces.get(workspaceHost(workspaceUrl));
    }

    /** A serving endpoint's state, or undefined when the workspace or the endpoint does not exist. */
    endpointState(workspaceUrl: string, name: string): { readonly ready: string; readonly configUpdate: ConfigUpdate; readonly configVersion?: number; readonly pendingVersion?: number } | undefined {
        return this.workspace(workspaceUrl)?.endpoints.state(name);
    }

    /** The next config update of the endpoint (its create's included) takes at least `ms` before its servers start. */
    slowNextUpdate(workspaceUrl: string, name: string, ms: number): void {
        const workspace = this.workspace(workspaceUrl);
        if (!workspace) throw new Error(`no Databricks workspace ${workspaceUrl}`);
        workspace.endpoints.slowNextUpdate(name, ms);
    }

    /** Every request a served entity answered, in every workspace, oldest first. */
    requestLog(): ServingRequestRecord[] {
        return [...this.workspaces.values()].flatMap((w) => w.dataPlane.requestLog).sort((a, b) => a.at - b.at);
    }

    async stop(): Promise<void> {
        const workspaces = [...this.workspaces.values()];
        this.workspaces.clear();
        await Promise.all(workspaces.map((w) => w.stop()));
        await this.server.stop();
    }
}
