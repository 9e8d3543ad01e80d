import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ArmHooks, ArmServer } from "./arm/armServer";
import { RegionalQuota } from "./quota/regionalQuota";
import { defaultDatastoreLocation } from "./resources/mlWorkspace";
import { BatchDataPlane } from "./dataPlane/batchDataPlane";
import { OnlineDataPlane } from "./dataPlane/onlineDataPlane";
import { WorkspaceTracking } from "./mlflow/workspaceTracking";
import { LocalDatabricks } from "./databricks/localDatabricks";
import { databricksWorkspaceType, workspaceDeleted, workspacePut } from "./databricks/workspaceResource";

const batchEndpointType = "microsoft.machinelearningservices/workspaces/batchendpoints";
const workspaceType = "microsoft.machinelearningservices/workspaces";

export interface LocalAzureOptions {
    readonly projectDir: string;
    /** Names this run's folder, `.local/emulator/<name>` (the stack): runs of other stacks may go on beside it. */
    readonly name: string;
    readonly progress: (line: string) => void;
    /**
     * Milliseconds each operation takes, by lower-case resource type. Default: none, or the seconds
     * in the JSON file `AZUREML_EMULATOR_DELAYS` names (e.g. emulator/delays.realistic.json).
     */
    readonly delays?: Readonly<Record<string, number>>;
    /** The vCPU quota fixture (default emulator/quota/quota.json), read on every request: a test may change it between runs. */
    readonly quotaFile?: string;
}

export const emulatorSubscription = "00000000-0000-0000-0000-0000000000e1";
export const emulatorTenant = "00000000-0000-0000-0000-0000000000e2";

/**
 * Azure on this machine, for one run: the Resource Manager, the online endpoints' data plane and
 * emulated storage (under `.local/emulator/<name>`, emptied at start), and the environment the Pulumi
 * engine and its plugins need to use them - the emulator's provider plugins and stand-in `az` on
 * PATH, @azure/identity narrowed to the Azure CLI credential (no credential probes a network
 * address), the ARM URL and the subscription. Nothing listens beyond 127.0.0.1.
 */
export class LocalAzure {
    private constructor(
        readonly arm: ArmServer,
        readonly dataPlane: OnlineDataPlane,
        readonly batchPlane: BatchDataPlane,
        readonly tracking: WorkspaceTracking,
        /** Every Azure Databricks workspace of the run (`DATABRICKS_EMULATOR_URL`), served from its ARM resource's creation to its deletion. */
        readonly databricks: LocalDatabricks,
        private readonly token: string,
        private readonly projectDir: string,
    ) {}

    static async start(options: LocalAzureOptions): Promise<LocalAzure> {
        const root = path.join(options.projectDir, ".local", "emulator", options.name);
        fs.rmSync(root, { recursive: true, force: true });
        const storageDir = path.join(root, "storage");
        fs.mkdirSync(storageDir, { recursive: true });
        // A harness that starts processes before the local Azure (jest's workers) may fix the token.
        const token = process.env.AZUREML_EMULATOR_TOKEN || randomBytes(24).toString("base64url");
        const planes = { projectDir: options.projectDir, storageDir, entraToken: token, progress: options.progress };
        const dataPlane = new OnlineDataPlane(planes);
        const batchPlane = new BatchDataPlane(planes);
        const tracking = new WorkspaceTracking({ projectDir: options.projectDir, root: path.join(root, "mlflow"), storageDir, progress: options.progress });
        const databricks = await LocalDatabricks.start({ projectDir: options.projectDir, root: path.join(root, "databricks"), token, progress: options.progress });
        // The hooks run inside operations, after the ARM server started.
        let arm: ArmServer | undefined;
        const hooks: ArmHooks = {
            afterPut: (resource, body) => {
                const type = resource.id.type.toLowerCase();
                if (type === batchEndpointType) return batchPlane.putEndpoint(resource);
                if (type === databricksWorkspaceType) return workspacePut(arm!, databricks, resource, body);
                return dataPlane.hooks.afterPut!(resource, body);
            },
            beforeDelete: (resource) => {
                const type = resource.id.type.toLowerCase();
                if (type === batchEndpointType) return batchPlane.deleteEndpoint(resource);
                if (type === workspaceType) return tracking.workspaceDeleted(resource);
                if (type === databricksWorkspaceType) return workspaceDeleted(arm!, databricks, resource);
                return dataPlane.hooks.beforeDelete!(resource);
            },
            metrics: (resource, query) => dataPlane.hooks.metrics!(resource, query),
            mlflow: (workspace, request, res) => tracking.handle(workspace, request, res),
        };
        const delays = options.delays ?? delaysFromFile(process.env.AZUREML_EMULATOR_DELAYS);
        arm = await new ArmServer({ token, storageDir, delays, hooks, quota: new RegionalQuota(options.quotaFile) }).start();
        dataPlane.attach(arm);
        batchPlane.attach(arm);
        tracking.attach(arm);
        return new LocalAzure(arm, dataPlane, batchPlane, tracking, databricks, token, options.projectDir);
    }

    /** `<account>/<container>` of a workspace's default datastore in the emulated storage. */
    defaultStorageOf(workspaceId: string): string {
        const workspace = this.arm.resource(workspaceId);
        if (!workspace) throw new Error(`no workspace ${workspaceId}`);
        const { account, container } = defaultDatastoreLocation(workspace);
        return path.join(account, container);
    }

    /**
     * The workspace's MLflow tracking URI here: what its `mlFlowTrackingUri`
     * (`azureml://<region>.api.azureml.ms/mlflow/v1.0/<workspace id>`) names, served by this run's ARM
     * server. MLflow clients use it with `MLFLOW_TRACKING_TOKEN` set to `this.token` (the stand-in
     * `az`'s token), as the azureml-mlflow plugin sends Azure's.
     */
    trackingUri(workspaceId: string): string {
        return `${this.arm.url}/mlflow/v1.0${workspaceId}`;
    }

    /** `DATABRICKS_EMULATOR_URL`: every Databricks workspace host is served below it (runtime/databricks/workspaceUrl.ts). */
    get databricksUrl(): string {
        return this.databricks.url;
    }

    /** The bearer token the local Azure takes (what the stand-in `az` hands out). */
    get bearerToken(): string {
        return this.token;
    }

    /** The environment of the engine and the plugins it starts. */
    engineEnvironment(): Record<string, string> {
        const bins = [path.join(this.projectDir, "emulator", "bin"), path.join(this.projectDir, "node_modules", "@pulumi", "pulumi")];
        return {
            PATH: [...bins, process.env.PATH ?? ""].join(path.delimiter),
            // The dynamic-provider plugin finds its code, and the code its modules, from any work dir.
            NODE_PATH: path.join(this.projectDir, "node_modules"),
            AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
            AZUREML_EMULATOR_TOKEN: this.token,
            AZUREML_ARM_ENDPOINT: this.arm.url,
            DATABRICKS_EMULATOR_URL: this.databricks.url,
            ARM_SUBSCRIPTION_ID: emulatorSubscription,
            ARM_TENANT_ID: emulatorTenant,
        };
    }

    /** Every ARM operation and every change of live traffic (Azure ML endpoints, Databricks serving endpoints), as JSON, for after the run. */
    writeTimeline(file: string): void {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const timeline = { operations: this.arm.operations, traffic: this.arm.trafficTimeline, databricksTraffic: this.databricks.trafficTimeline };
        fs.writeFileSync(file, `${JSON.stringify(timeline, null, 2)}\n`);
    }

    async stop(): Promise<void> {
        await this.databricks.stop();
        await this.tracking.stop();
        await this.dataPlane.stop();
        await this.batchPlane.stop();
        await this.arm.stop();
    }
}

/** Provisioning delays from a JSON file of seconds by lower-case resource type (keys starting with _ are notes). */
export function delaysFromFile(file: string | undefined): Record<string, number> | undefined {
    if (!file) return undefined;
    const seconds = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    return Object.fromEntries(
        Object.entries(seconds)
            .filter(([type, value]) => !type.startsWith("_") && typeof value === "number")
            .map(([type, value]) => [type.toLowerCase(), (value as number) * 1000]),
    );
}
