import { createHash } from "crypto";
import { invalidParameter, invalidState, noSuchApi } from "./errors";
import { WorkspaceRequest, jsonBody, requiredString } from "./request";

/** A cluster's lifecycle states (databricks-sdk-py `compute.State`). */
type ClusterState = "PENDING" | "RUNNING" | "RESTARTING" | "RESIZING" | "TERMINATING" | "TERMINATED";

interface Cluster {
    readonly id: string;
    spec: Record<string, any>;
    state: ClusterState;
    stateMessage: string;
    readonly startTime: number;
    terminatedTime?: number;
    timer?: NodeJS.Timeout;
}

export interface ClustersOptions {
    /** Milliseconds a cluster takes to go from PENDING (or RESTARTING) to RUNNING. */
    readonly startMs: number;
    /** The creator's user name (`creator_user_name`). */
    readonly creator: string;
}

/**
 * Clusters (`/api/2.1/clusters/...`, databricks-sdk-py `service/compute.py` `ClustersAPI`), as
 * state only: no Spark runs. A created cluster is PENDING, then RUNNING after `startMs`; `delete`
 * terminates it (TERMINATED, still listed), `permanent-delete` removes it; `edit` of a RUNNING
 * cluster restarts it, of a TERMINATED one keeps it terminated, and is refused in any other state
 * (ClustersAPI.edit docstring: "Clusters can be updated if they are in a RUNNING or TERMINATED
 * state"). `autotermination_minutes` is 0 or 10..10000 (ClusterSpec docstring); it does not
 * terminate an idle cluster here.
 */
export class Clusters {
    private readonly clusters = new Map<string, Cluster>();

    constructor(private readonly options: ClustersOptions) {}

    has(id: string): boolean {
        return this.clusters.has(id);
    }

    handle(req: WorkspaceRequest): unknown {
        const operation = req.path.replace(/^\/api\/2\.[01]\/clusters\//, "");
        const body = req.method === "GET" ? Object.fromEntries(req.query) : jsonBody(req);
        switch (`${req.method} ${operation}`) {
            case "POST create":
                return this.create(body);
            case "POST edit":
                return this.edit(body);
            case "GET get":
                return this.view(this.cluster(body.cluster_id));
            case "GET list":
                return { clusters: [...this.clusters.values()].map((c) => this.view(c)) };
            case "POST start":
                return this.start(this.cluster(body.cluster_id));
            case "POST restart":
                return this.restart(this.cluster(body.cluster_id));
            case "POST delete":
                return this.terminate(this.cluster(body.cluster_id));
            case "POST permanent-delete":
                return this.permanentDelete(this.cluster(body.cluster_id));
            case "GET spark-versions":
                return { versions: sparkVersions };
            case "GET list-node-types":
                return { node_types: nodeTypes };
            default:
                throw noSuchApi(req.method, req.path);
        }
    }

    stop(): void {
        for (const cluster of this.clusters.values()) clearTimeout(cluster.timer);
    }

    private create(spec: Record<string, any>): unknown {
        checkSpec(spec);
        const id = clusterId(this.clusters.size, spec.cluster_name);
        const cluster: Cluster = { id, spec, state: "PENDING", stateMessage: "Finding instances for new nodes, acquiring more instances if necessary", startTime: Date.now() };
        this.clusters.set(id, cluster);
        this.runAfterStart(cluster);
        return { cluster_id: id };
    }

    private edit(body: Record<string, any>): unknown {
        const cluster = this.cluster(body.cluster_id);
        checkSpec(body);
        if (cluster.state !== "RUNNING" && cluster.state !== "TERMINATED") {
            throw invalidState(`Cluster ${cluster.id} is in unexpected state ${titleCase(cluster.state)}.`);
        }
        const { cluster_id: _id, ...spec } = body;
        cluster.spec = spec;
        if (cluster.state === "RUNNING") this.restart(cluster);
        return {};
    }

    private start(cluster: Cluster): unknown {
        if (cluster.state !== "TERMINATED") throw invalidState(`Cluster ${cluster.id} is in unexpected state ${titleCase(cluster.state)}.`);
        cluster.state = "PENDING";
        cluster.stateMessage = "Starting";
        this.runAfterStart(cluster);
        return {};
    }

    private restart(cluster: Cluster): unknown {
        if (cluster.state !== "RUNNING") throw invalidState(`Cluster ${cluster.id} is in unexpected state ${titleCase(cluster.state)}.`);
        cluster.state = "RESTARTING";
        cluster.stateMessage = "Restarting";
        this.runAfterStart(cluster);
        return {};
    }

    private terminate(cluster: Cluster): unknown {
        clearTimeout(cluster.timer);
        cluster.state = "TERMINATED";
        cluster.stateMessage = "Terminated by the user";
        cluster.terminatedTime = Date.now();
        return {};
    }

    private permanentDelete(cluster: Cluster): unknown {
        clearTimeout(cluster.timer);
        this.clusters.delete(cluster.id);
        return {};
    }

    private runAfterStart(cluster: Cluster): void {
        clearTimeout(cluster.timer);
        cluster.timer = setTimeout(() => {
            cluster.state = "RUNNING";
            cluster.stateMessage = "";
        }, this.options.startMs);
        cluster.timer.unref();
    }

    private cluster(id: unknown): Cluster {
        const cluster = this.clusters.get(requiredString(id, "cluster_id"));
        // Databricks answers an unknown cluster id with 400 INVALID_PARAMETER_VALUE, not 404.
        if (!cluster) throw invalidParameter(`Cluster ${String(id)} does not exist`);
        return cluster;
    }

    private view(cluster: Cluster): Record<string, unknown> {
        return {
            ...cluster.spec,
            cluster_id: cluster.id,
            state: cluster.state,
            state_message: cluster.stateMessage,
            creator_user_name: this.options.creator,
            start_time: cluster.startTime,
            ...(cluster.terminatedTime ? { terminated_time: cluster.terminatedTime } : {}),
            cluster_source: "API",
            default_tags: { Vendor: "Databricks", Creator: this.options.creator, ClusterName: cluster.spec.cluster_name ?? "", ClusterId: cluster.id },
        };
    }
}

/** What Databricks checks of a cluster spec before anything starts. */
function checkSpec(spec: Record<string, any>): void {
    requiredString(spec.spark_version, "spark_version");
    const minutes = spec.autotermination_minutes;
    if (minutes !== undefined && (!Number.isInteger(minutes) || (minutes !== 0 && (minutes < 10 || minutes > 10000)))) {
        throw invalidParameter(`autotermination_minutes must be 0 (no automatic termination) or between 10 and 10000, got ${minutes}`);
    }
    if (!spec.node_type_id && !spec.instance_pool_id) throw invalidParameter("Missing required field: node_type_id");
    if (spec.node_type_id && !nodeTypes.some((n) => n.node_type_id === spec.node_type_id)) {
        throw invalidParameter(`Node type ${spec.node_type_id} is not supported. Supported node types: ${nodeTypes.map((n) => n.node_type_id).join(", ")}`);
    }
    if (!sparkVersions.some((v) => v.key === spec.spark_version)) throw invalidParameter(`Invalid spark version ${spec.spark_version}.`);
}

/** Databricks' cluster id form, `MMDD-HHMMSS-xxxxxxxx`. */
function clusterId(index: number, name: unknown): string {
    const now = new Date();
    const pad = (n: number) => String(n).padStart(2, "0");
    const suffix = createHash("sha256").update(`${index}:${String(name)}:${now.getTime()}`).digest("hex").slice(0, 8);
    return `${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}-${suffix}`;
}

function titleCase(state: string): string {
    return state.charAt(0) + state.slice(1).toLowerCase();
}

/**
 * Runtime versions as `spark-versions` lists them on Azure (key and name forms of the Databricks
 * Runtime release notes: LTS releases, with their ML and GPU ML variants).
 */
const sparkVersions = [
    ["13.3.x-scala2.12", "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)"],
    ["13.3.x-cpu-ml-scala2.12", "13.3 LTS ML (includes Apache Spark 3.4.1, Scala 2.12)"],
    ["13.3.x-gpu-ml-scala2.12", "13.3 LTS ML (includes Apache Spark 3.4.1, GPU, Scala 2.12)"],
    ["14.3.x-scala2.12", "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)"],
    ["14.3.x-cpu-ml-scala2.12", "14.3 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"],
    ["14.3.x-gpu-ml-scala2.12", "14.3 LTS ML (includes Apache Spark 3.5.0, GPU, Scala 2.12)"],
    ["15.4.x-scala2.12", "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"],
    ["15.4.x-cpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"],
    ["15.4.x-gpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, GPU, Scala 2.12)"],
    ["16.4.x-scala2.12", "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)"],
    ["16.4.x-cpu-ml-scala2.12", "16.4 LTS ML (includes Apache Spark 3.5.2, Scala 2.12)"],
    ["16.4.x-gpu-ml-scala2.12", "16.4 LTS ML (includes Apache Spark 3.5.2, GPU, Scala 2.12)"],
].map(([key, name]) => ({ key, name }));

/** Azure VM sizes as `list-node-types` describes them (Azure's published sizes: cores and memory). */
const nodeTypes = [
    ["Standard_D4ds_v5", 4, 16384],
    ["Standard_D8ds_v5", 8, 32768],
    ["Standard_DS3_v2", 4, 14336],
    ["Standard_DS4_v2", 8, 28672],
    ["Standard_E4ds_v5", 4, 32768],
    ["Standard_F4s_v2", 4, 8192],
].map(([id, cores, memory]) => ({
    node_type_id: id,
    instance_type_id: id,
    num_cores: cores,
    memory_mb: memory,
    description: id,
    category: String(id).startsWith("Standard_E") ? "Memory Optimized" : String(id).startsWith("Standard_F") ? "Compute Optimized" : "General Purpose",
    is_deprecated: false,
    is_hidden: false,
    support_port_forwarding: true,
    photon_driver_capable: true,
    photon_worker_capable: true,
}));
