import type { TokenCredential } from "@azure/identity";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { azureCredential } from "../azure/credential";
import { Clock, systemClock } from "../http/clock";
import { DatabricksClient, isDatabricksError } from "./databricksClient";

export interface ModelVersionInputs {
    readonly workspaceUrl: string;
    /** The registered model (workspace registry). */
    readonly modelName: string;
    /** The version the stack file declares: the registry must give this number. */
    readonly version: number;
    /** SHA-256 of the folder's files: the version's identity. */
    readonly contentHash: string;
    /** The MLflow model folder as the stack file names it (relative to the project), for messages. */
    readonly folder: string;
    /** Where that folder is on this machine, to upload it from (not part of the version's identity). */
    readonly folderPath: string;
    /** The files `contentHash` covers, relative to the folder (config/folders/folderContent.ts): exactly what is uploaded. */
    readonly files: string[];
    readonly description?: string;
}

export interface ModelVersionOutputs extends ModelVersionInputs {
    /** Where the files are: `dbfs:/FileStore/models/<hash>/model`. */
    readonly source: string;
    /** The registry's status: READY. */
    readonly status: string;
}

/** The tag that ties a registered version to its files' content. */
export const contentTag = "content-sha256";
const blockBytes = 1024 * 1024; // DBFS add-block takes at most 1 MB of data per call (DBFS API).

export interface ModelVersionHooks {
    readonly credential?: TokenCredential;
    readonly clock?: Clock;
    readonly pollIntervalMs?: number;
}

/**
 * A model version in a Databricks workspace's MLflow registry, from a folder of this repository:
 * neither the Databricks provider nor Terraform's has a version resource. Content-addressed and
 * immutable as on Azure ML: new files are a new resource. The registry numbers versions itself
 * (unlike Azure ML, a client cannot choose), so the declared number is checked: a version that
 * would get another number is deleted again and the update fails naming both. A version already
 * registered with the same content (its `content-sha256` tag) and number is adopted. Kept on
 * delete: a registered version is history, and a serving endpoint may still name it.
 */
export class ModelVersionProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly hooks: ModelVersionHooks = {}) {}

    async create(inputs: ModelVersionInputs): Promise<pulumi.dynamic.CreateResult> {
        const client = this.client(inputs);
        const adopted = await this.findByContent(client, inputs);
        if (adopted) return { id: versionId(inputs), outs: { ...inputs, source: adopted.source, status: adopted.status } };
        const source = `dbfs:/FileStore/models/${inputs.contentHash}/model`;
        await uploadFiles(client, inputs.folderPath, inputs.files, source);
        const created = await client.post("/api/2.0/mlflow/model-versions/create", {
            name: inputs.modelName,
            source,
            description: inputs.description,
            tags: [{ key: contentTag, value: inputs.contentHash }],
        });
        const assigned = Number(created.model_version?.version);
        if (assigned !== inputs.version) {
            await client.post("/api/2.0/mlflow/model-versions/delete", { name: inputs.modelName, version: String(assigned) }).catch(() => undefined);
            throw new Error(
                `the workspace registry numbered this folder ${inputs.modelName} version ${assigned}, but the stack file declares version ${inputs.version}: ` +
                    `Databricks numbers versions itself, one after the last ever registered (deleted ones included). The version was deleted again; ` +
                    `declare ${inputs.modelName} version ${assigned} for ${inputs.folder}.`,
            );
        }
        const status = await this.waitUntilReady(client, inputs);
        return { id: versionId(inputs), outs: { ...inputs, source, status } };
    }

    async read(id: string, props: ModelVersionOutputs): Promise<pulumi.dynamic.ReadResult> {
        try {
            const found = await this.client(props).get("/api/2.0/mlflow/model-versions/get", { name: props.modelName, version: String(props.version) });
            return { id, props: { ...props, status: String(found.model_version?.status ?? props.status) } };
        } catch (err) {
            if (isDatabricksError(err, 404)) return {};
            throw err;
        }
    }

    async diff(_id: string, olds: ModelVersionOutputs, news: ModelVersionInputs): Promise<pulumi.dynamic.DiffResult> {
        // The folder's place on disk is not the version: only what decides its content or identity is.
        const replaces = (["workspaceUrl", "modelName", "version", "contentHash"] as const).filter((key) => olds[key] !== news[key]);
        const changes = replaces.length > 0 || (olds.description ?? null) !== (news.description ?? null);
        return { changes, replaces, deleteBeforeReplace: false };
    }

    async update(_id: string, olds: ModelVersionOutputs, news: ModelVersionInputs): Promise<pulumi.dynamic.UpdateResult> {
        await this.client(news).patch("/api/2.0/mlflow/model-versions/update", { name: news.modelName, version: String(news.version), description: news.description ?? "" });
        return { outs: { ...olds, ...news } };
    }

    /** Retained: the version stays registered (see the class comment). */
    async delete(): Promise<void> {}

    private async findByContent(client: DatabricksClient, inputs: ModelVersionInputs): Promise<{ source: string; status: string } | undefined> {
        const found = await client.get("/api/2.0/mlflow/model-versions/search", { filter: `name='${inputs.modelName.replace(/'/g, "\\'")}'` });
        const versions: Record<string, any>[] = found.model_versions ?? [];
        const same = versions.find((v) => (v.tags ?? []).some((t: Record<string, string>) => t.key === contentTag && t.value === inputs.contentHash));
        if (!same) return undefined;
        if (Number(same.version) !== inputs.version) {
            throw new Error(`${inputs.modelName} version ${same.version} already holds the files of ${inputs.folder} (content ${inputs.contentHash.slice(0, 12)}); declare version ${same.version}, not ${inputs.version}`);
        }
        return { source: String(same.source), status: String(same.status ?? "READY") };
    }

    /** PENDING_REGISTRATION until the registry has copied the files; FAILED_REGISTRATION ends it. */
    private async waitUntilReady(client: DatabricksClient, inputs: ModelVersionInputs): Promise<string> {
        for (;;) {
            const found = await client.get("/api/2.0/mlflow/model-versions/get", { name: inputs.modelName, version: String(inputs.version) });
            const status = String(found.model_version?.status ?? "READY");
            if (status === "READY") return status;
            if (status === "FAILED_REGISTRATION") throw new Error(`${inputs.modelName} version ${inputs.version} failed to register: ${found.model_version?.status_message ?? "no reason given"}`);
            await client.sleep(this.hooks.pollIntervalMs ?? 2000);
        }
    }

    private client(inputs: Pick<ModelVersionInputs, "workspaceUrl">): DatabricksClient {
        const clock = this.hooks.clock ?? systemClock;
        return new DatabricksClient({ workspaceUrl: inputs.workspaceUrl, credential: this.hooks.credential ?? azureCredential(), deadline: clock.now() + 20 * 60_000, clock });
    }
}

function versionId(inputs: ModelVersionInputs): string {
    return `${inputs.workspaceUrl}/models/${inputs.modelName}/versions/${inputs.version}`;
}

/** The files of `dir` to `target` in DBFS, in 1 MB blocks (create, add-block, close). */
async function uploadFiles(client: DatabricksClient, dir: string, files: readonly string[], target: string): Promise<void> {
    const root = target.replace(/^dbfs:/, "");
    for (const file of files) {
        const bytes = fs.readFileSync(path.join(dir, file));
        const { handle } = await client.post("/api/2.0/dbfs/create", { path: `${root}/${file}`, overwrite: true });
        for (let offset = 0; offset < bytes.length; offset += blockBytes) {
            await client.post("/api/2.0/dbfs/add-block", { handle, data: bytes.subarray(offset, offset + blockBytes).toString("base64") });
        }
        await client.post("/api/2.0/dbfs/close", { handle });
    }
}
