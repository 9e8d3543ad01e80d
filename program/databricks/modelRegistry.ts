import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as path from "path";
import { folderContentHash, listFolderFiles } from "../../config/folders/folderContent";
import { modelVersionKey } from "../../config/modelVersionKey";
import { DatabricksModelVersion } from "./resources";

export interface DatabricksModelSpec {
    readonly name: string;
    readonly version: number;
    /** The MLflow model folder, relative to the project directory. */
    readonly path: string;
    readonly description?: string;
    readonly tags: Readonly<Record<string, string>>;
}

export interface DatabricksModelRegistryArgs {
    readonly workspaceUrl: pulumi.Input<string>;
    readonly projectDir: string;
    readonly models: readonly DatabricksModelSpec[];
    /** protect and retainOnDelete on the registered models. */
    readonly protect: boolean;
}

/**
 * The stack's models in the workspace's MLflow registry: a registered model per name
 * (`databricks.MlflowModel`) and a version per entry, content-addressed: its Pulumi name carries
 * its files' hash, so changed files are a new version resource, never an update in place.
 */
export class DatabricksModelRegistry extends pulumi.ComponentResource {
    /** Each version by `name:version`. */
    public readonly versions: Record<string, DatabricksModelVersion> = {};

    constructor(name: string, args: DatabricksModelRegistryArgs, opts: pulumi.ComponentResourceOptions & { provider: pulumi.ProviderResource }) {
        super("azureml-mlflow:databricks:DatabricksModelRegistry", name, {}, opts);
        const registered = new Map<string, databricks.MlflowModel>();
        for (const modelName of [...new Set(args.models.map((m) => m.name))].sort()) {
            const first = args.models.find((m) => m.name === modelName)!;
            registered.set(
                modelName,
                new databricks.MlflowModel(
                    `${name}-${slug(modelName)}`,
                    { name: modelName, tags: Object.entries(first.tags).map(([key, value]) => ({ key, value })) },
                    { parent: this, provider: opts.provider, protect: args.protect, retainOnDelete: args.protect },
                ),
            );
        }
        // The registry numbers a model's versions in the order they arrive: each waits for the one before.
        const previous = new Map<string, pulumi.Resource>();
        for (const model of [...args.models].sort((a, b) => a.version - b.version)) {
            const folder = path.resolve(args.projectDir, model.path);
            const files = listFolderFiles(folder);
            const contentHash = folderContentHash(files);
            const version = new DatabricksModelVersion(
                `${name}-${slug(model.name)}-v${model.version}-${contentHash.slice(0, 12)}`,
                { workspaceUrl: args.workspaceUrl, modelName: model.name, version: model.version, contentHash, folder: model.path, folderPath: folder, files: files.map((f) => f.relativePath), description: model.description },
                { parent: this, dependsOn: [previous.get(model.name) ?? registered.get(model.name)!] },
            );
            previous.set(model.name, version);
            this.versions[modelVersionKey(model.name, model.version)] = version;
        }
        this.registerOutputs({});
    }
}

/** A model name as part of a Pulumi name: readable, and unique even where two names differ only in what it drops. */
function slug(modelName: string): string {
    const readable = modelName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    return `${readable}-${createHash("sha256").update(modelName).digest("hex").slice(0, 6)}`;
}
