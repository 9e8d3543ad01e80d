import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { inspectMlmodel } from "../../config/folders/mlmodelFolder";
import { modelSourceOf } from "../../config/modelSources";
import { modelVersionKey } from "../../config/modelVersionKey";
import { PlatformNames, platformNames } from "../../config/naming/names";
import { Problem, StackConfigError } from "../../config/problems";
import { ModelConfig } from "../../config/schema";
import { armClientFor } from "../../runtime/arm/armClient";
import { machineLearningApiVersion } from "../../runtime/arm/clouds";
import { defaultBlobContainer } from "../../runtime/azure/blobStorage";
import { azureCredential } from "../../runtime/azure/credential";
import { WorkspaceFiles, readMlmodel } from "../../runtime/models/registeredModelFiles";
import { knownValue } from "./knownValue";
import { StackScope } from "./stackScope";

interface Entry {
    readonly model: ModelConfig;
    readonly index: number;
    readonly kind: "registered" | "run";
}

/**
 * Checks, before any Azure resource is declared, the models the stack does not hold in this
 * repository: a version by reference exists in the stack's workspace (read through azure-native's
 * `getModelVersion`, as on Azure) and a run's model is in the workspace's MLflow; each is an
 * MLflow model whose MLmodel (read from the workspace's storage) has a `python_function` flavor, a
 * signature, and the columns the smoke test's request sends. Every problem is a configuration
 * error naming the stack file and the key, and the program stops there: nothing is created,
 * changed or deleted. Returns the ARM ids of the versions by reference, by `name:version`.
 *
 * The workspace's names come from the name suffix, so it is awaited; in a preview of a stack that
 * does not exist yet the suffix is unknown, and so are the ids (its `up` checks, once the suffix
 * exists and before anything else does).
 */
export async function checkModelSources(scope: StackScope, suffix: pulumi.Output<string>): Promise<Record<string, pulumi.Output<string>>> {
    const entries: Entry[] = scope.config.models.flatMap((model, index) => {
        const kind = modelSourceOf(model, scope.projectDir)?.kind;
        return kind === "registered" || kind === "run" ? [{ model, index, kind }] : [];
    });
    if (entries.length === 0) return {};
    const keys = entries.filter((e) => e.kind === "registered").map((e) => modelVersionKey(e.model.name, e.model.version));
    const known = await knownValue(suffix);
    if (known === undefined) return Object.fromEntries(keys.map((key) => [key, suffix.apply((): string => key)]));
    const { problems, ids } = await checkEntries(scope, platformNames(scope.config.prefix, known), entries);
    // A RunError: the engine shows the message alone, as for every other configuration error.
    if (problems.length > 0) throw new pulumi.RunError(new StackConfigError(scope.stackFile, pulumi.getProject(), problems).message);
    return Object.fromEntries(keys.map((key) => [key, pulumi.output(ids[key])]));
}

async function checkEntries(scope: StackScope, names: PlatformNames, entries: readonly Entry[]): Promise<{ problems: Problem[]; ids: Record<string, string> }> {
    const where = { resourceGroupName: names.resourceGroup, workspaceName: names.workspace };
    let workspace: machinelearningservices.GetWorkspaceResult;
    try {
        workspace = await machinelearningservices.getWorkspace(where);
    } catch (err) {
        if (!isNotFound(err)) throw err;
        const message = `is not a folder: it names a model in the stack's workspace ${names.workspace}, which does not exist yet. Deploy the stack once with folder-sourced models, then reference what is registered there`;
        return { problems: entries.map((e) => ({ ...filesKey(e), message })), ids: {} };
    }
    const files: WorkspaceFiles = {
        cloud: scope.cloud,
        account: String(workspace.storageAccount ?? "").split("/").pop() ?? "",
        container: defaultBlobContainer(workspace.workspaceId),
        trackingUri: workspace.mlFlowTrackingUri,
        credential: azureCredential(),
    };
    const problems: Problem[] = [];
    const ids: Record<string, string> = {};
    for (const entry of entries) {
        const { model, index } = entry;
        const key = modelVersionKey(model.name, model.version);
        let modelUri: string;
        let armFlavors: Record<string, unknown> | undefined;
        if (entry.kind === "run" && !hasFolderVersion(scope, model.name)) {
            // The stack declares no model container for a name it holds no folder of: it must exist.
            const container = await machinelearningservices.getModelContainer({ ...where, name: model.name }).catch((err) => {
                if (!isNotFound(err)) throw err;
                return undefined;
            });
            if (!container) {
                problems.push({ key: `models[${index}].name`, value: model.name, message: `is not a registered model in workspace ${names.workspace}: register the run's model once through MLflow (mlflow.register_model), or list a folder version of it, so that the model exists before the stack adds versions to it` });
                continue;
            }
        }
        if (entry.kind === "registered") {
            let version: machinelearningservices.GetModelVersionResult;
            try {
                version = await machinelearningservices.getModelVersion({ ...where, name: model.name, version: String(model.version) });
            } catch (err) {
                if (!isNotFound(err)) throw err;
                problems.push({ key: `models[${index}].version`, value: model.version, message: `${key} is not registered in workspace ${names.workspace}; ${await whatExists(scope, workspace.id, model.name)}` });
                continue;
            }
            if (version.properties.modelType !== "mlflow_model") {
                problems.push({ key: `models[${index}].version`, value: model.version, message: `${key} is a ${version.properties.modelType ?? "custom_model"} model, not an MLflow model (mlflow_model): a no-code deployment serves MLflow models` });
                continue;
            }
            ids[key] = version.id;
            modelUri = String(version.properties.modelUri ?? "");
            armFlavors = version.properties.flavors;
        } else {
            modelUri = model.path!;
        }
        const mlmodel = await readMlmodel(modelUri, files);
        const { key: keyOfFiles, value: valueOfFiles } = filesKey(entry);
        if ("problem" in mlmodel) {
            if (!mlmodel.unreadable) problems.push({ key: keyOfFiles, value: valueOfFiles, message: `${key}: ${mlmodel.problem}` });
            else if (armFlavors && !("python_function" in armFlavors)) {
                problems.push({ key: keyOfFiles, value: valueOfFiles, message: `${key} has no python_function flavor (flavors: ${Object.keys(armFlavors).join(", ")}); Azure's no-code MLflow deployment needs one` });
            } else {
                // Azure validates the registration itself, and the pre-traffic probe the deployment.
                await pulumi.log.warn(`${scope.stackFile}: models[${index}] (${key}): its MLmodel was not checked before the update: ${mlmodel.problem}`);
            }
            continue;
        }
        const inspection = inspectMlmodel(mlmodel.text, mlmodel.where);
        if (!inspection.ok) {
            problems.push({ key: keyOfFiles, value: valueOfFiles, message: `${key}: ${inspection.problem}` });
            continue;
        }
        const missing = missingRequestColumns(scope, key, inspection.model.inputColumns);
        if (missing) problems.push(missing);
    }
    return { problems, ids };
}

/** The key that names an entry's files: a run's `path`, a reference's `version`. */
function filesKey(entry: Entry): { key: string; value: unknown } {
    return entry.kind === "run" ? { key: `models[${entry.index}].path`, value: entry.model.path } : { key: `models[${entry.index}].version`, value: entry.model.version };
}

/** Whether the stack registers a version of this model from a folder (and so declares its container). */
function hasFolderVersion(scope: StackScope, name: string): boolean {
    return scope.config.models.some((m) => m.name === name && modelSourceOf(m, scope.projectDir)?.kind === "folder");
}

/** The smoke test's request lacks a column the model's signature requires (as config/rules.ts checks folders). */
function missingRequestColumns(scope: StackScope, key: string, inputColumns: readonly string[]): Problem | undefined {
    const request = scope.smokeRequest;
    const users = scope.config.onlineEndpoint?.deployments.filter((d) => d.model === key) ?? [];
    if (!request || !scope.config.smokeTest?.enabled || users.length === 0) return undefined;
    const missing = inputColumns.filter((c) => !request.columns.includes(c));
    if (missing.length === 0) return undefined;
    return {
        key: "smokeTest.requestFile",
        value: scope.config.smokeTest.requestFile,
        message: `lacks columns ${missing.join(", ")} that ${key} (deployment ${users.map((d) => d.name).join(", ")}) requires`,
    };
}

/** The versions a model has in the workspace (or the models it has), for the message. */
async function whatExists(scope: StackScope, workspaceId: string, modelName: string): Promise<string> {
    const arm = armClientFor(scope.cloud, { credential: azureCredential(), apiVersion: machineLearningApiVersion, timeoutMs: 60_000 });
    try {
        const versions = ((await arm.get(`${workspaceId}/models/${modelName}/versions`)).value ?? []) as { name: string }[];
        if (versions.length > 0) return `${modelName} has versions ${versions.map((v) => v.name).sort((a, b) => Number(a) - Number(b)).join(", ")}`;
        const models = ((await arm.get(`${workspaceId}/models`)).value ?? []) as { name: string }[];
        return models.length > 0 ? `it has no model ${modelName}; its models are ${models.map((m) => m.name).sort().join(", ")}` : "it has no registered models";
    } catch (err) {
        return `(what it holds could not be listed: ${(err as Error).message.split("\n")[0]})`;
    }
}

/** An invoke's or ARM's 404 (the real provider reports azcore's `RESPONSE 404`; ARM's codes end in NotFound). */
function isNotFound(err: unknown): boolean {
    const message = String((err as Error)?.message ?? err);
    return /\b404\b|NotFound/.test(message);
}
