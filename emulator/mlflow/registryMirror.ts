import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ArmServer } from "../arm/armServer";
import { StoredResource } from "../arm/storedResource";
import { callMlflow } from "./mlflowProxy";
import { containerPathOf, datastoreModelUri, mlflowSource } from "./modelSources";

/**
 * One model registry seen through two APIs, as in an Azure ML workspace: a version registered
 * through MLflow is the ARM model version (`mlflow_model`) at the same name and number, and one
 * registered through ARM (this platform's program) is an MLflow model version.
 *
 * MLflow to ARM happens as the registration answers (workspaceTracking.ts). ARM to MLflow happens
 * before the workspace's MLflow answers any registry request (`reconcile`): each ARM version it
 * has not seen is created in MLflow with the same number. MLflow numbers a new version one above
 * the highest it ever had, so a gap is bridged by versions created and deleted again, as versions
 * deleted in Azure leave gaps; a number MLflow has passed already cannot be created there, and is
 * reported.
 */
export interface WorkspaceRegistry {
    readonly workspace: StoredResource;
    readonly serverUrl: string;
    /** The folder of the workspace's default blob container (the MLflow artifact destination). */
    readonly containerDir: string;
    /** `name:version` of every version both sides hold. */
    readonly synced: Set<string>;
    /** Names of the registered models both sides hold (a registry request asks MLflow about no other). */
    readonly models: Set<string>;
    readonly progress: (line: string) => void;
}

const modelsType = "models";

export function modelContainerId(workspaceId: string, name: string): string {
    return `${workspaceId}/models/${name}`;
}

export function modelVersionId(workspaceId: string, name: string, version: string): string {
    return `${modelContainerId(workspaceId, name)}/versions/${version}`;
}

/** ARM's versions in MLflow, and versions deleted through ARM gone from MLflow. */
export async function reconcile(arm: ArmServer, registry: WorkspaceRegistry): Promise<void> {
    const { workspace, serverUrl, synced } = registry;
    const inArm = new Set<string>();
    for (const container of arm.childrenOf(workspace.id.id, modelsType).sort(byName)) {
        const name = container.id.name;
        if (!registry.models.has(name)) {
            await ensureRegisteredModel(serverUrl, name, container.body.properties);
            registry.models.add(name);
        }
        const versions = arm.childrenOf(container.id.id, "versions").filter((v) => /^\d+$/.test(v.id.name)).sort((a, b) => Number(a.id.name) - Number(b.id.name));
        for (const version of versions) {
            const key = `${name}:${version.id.name}`;
            inArm.add(key);
            if (synced.has(key)) continue;
            await createWithNumber(registry, name, version);
            synced.add(key);
        }
    }
    for (const key of [...synced]) {
        if (inArm.has(key)) continue;
        const [name, version] = splitKey(key);
        await callMlflow(serverUrl, "DELETE", "model-versions/delete", { name, version });
        synced.delete(key);
    }
}

/** The ARM version of an MLflow version just registered; a refusal's message when Azure would refuse it. */
export function mirrorVersionIntoArm(arm: ArmServer, registry: WorkspaceRegistry, mlflowVersion: Record<string, any>, containerPath: string): string | undefined {
    const { workspace } = registry;
    const name = String(mlflowVersion.name);
    if (!arm.resource(modelContainerId(workspace.id.id, name))) {
        const container = arm.storeFromDataPlane(modelContainerId(workspace.id.id, name), { properties: {} });
        if ("status" in container) return container.message;
    }
    const tags = Object.fromEntries(((mlflowVersion.tags ?? []) as { key: string; value: string }[]).map((t) => [t.key, t.value]));
    const stored = arm.storeFromDataPlane(modelVersionId(workspace.id.id, name, String(mlflowVersion.version)), {
        properties: {
            modelType: "mlflow_model",
            modelUri: datastoreModelUri(containerPath),
            description: mlflowVersion.description || undefined,
            tags,
            ...(mlflowVersion.run_id ? { jobName: mlflowVersion.run_id } : {}),
            flavors: flavorsOf(path.join(registry.containerDir, ...containerPath.split("/"), "MLmodel")),
            isAnonymous: false,
            isArchived: false,
        },
    });
    if ("status" in stored) return stored.message;
    registry.synced.add(`${name}:${mlflowVersion.version}`);
    registry.models.add(name);
    return undefined;
}

/** ARM's `flavors` of an MLflow model: each flavor in its MLmodel with its settings as strings, as Azure ML records them. */
export function flavorsOf(mlmodelFile: string): Record<string, { data: Record<string, string> }> {
    const mlmodel = parseYaml(fs.readFileSync(mlmodelFile, "utf8")) as { flavors?: Record<string, Record<string, unknown>> };
    return Object.fromEntries(
        Object.entries(mlmodel.flavors ?? {}).map(([flavor, settings]) => [
            flavor,
            { data: Object.fromEntries(Object.entries(settings ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])) },
        ]),
    );
}

async function ensureRegisteredModel(serverUrl: string, name: string, properties: Record<string, any> | undefined): Promise<void> {
    const found = await callMlflow(serverUrl, "GET", `registered-models/get?name=${encodeURIComponent(name)}`);
    if (found.status === 200) return;
    const created = await callMlflow(serverUrl, "POST", "registered-models/create", { name, description: properties?.description });
    if (created.status !== 200 && created.json?.error_code !== "RESOURCE_ALREADY_EXISTS") throw new Error(`MLflow refused registered model ${name}: ${created.json?.message}`);
}

/** Creates an ARM version in MLflow under its own number (see the type's comment). */
async function createWithNumber(registry: WorkspaceRegistry, name: string, version: StoredResource): Promise<void> {
    const { serverUrl } = registry;
    const wanted = Number(version.id.name);
    const folder = containerPathOf(String(version.body.properties?.modelUri ?? ""), registry.containerDir);
    if (folder === undefined) {
        registry.progress(`MLflow: ${name}:${wanted} is not in the workspace's datastore (${version.body.properties?.modelUri}); MLflow does not list it`);
        return;
    }
    const tags = Object.entries((version.body.properties?.tags ?? {}) as Record<string, string>).map(([key, value]) => ({ key, value: String(value) }));
    // MLflow refuses more than a few hundred versions in one go; a gap that wide is not bridged.
    for (let attempt = 0; attempt < 500; attempt++) {
        const created = await callMlflow(serverUrl, "POST", "model-versions/create", {
            name,
            source: mlflowSource(folder),
            description: version.body.properties?.description,
            tags,
            ...(version.body.properties?.jobName ? { run_id: version.body.properties.jobName } : {}),
        });
        if (created.status !== 200) throw new Error(`MLflow refused ${name}:${wanted}: ${created.json?.message}`);
        const got = Number(created.json.model_version.version);
        if (got === wanted) return;
        await callMlflow(serverUrl, "DELETE", "model-versions/delete", { name, version: String(got) });
        if (got > wanted) {
            registry.progress(`MLflow: ${name}:${wanted} cannot be created in MLflow, whose numbering has passed it (at ${got}); MLflow does not list it`);
            return;
        }
    }
    registry.progress(`MLflow: ${name}:${wanted} is too far above MLflow's numbering to bridge; MLflow does not list it`);
}

function splitKey(key: string): [string, string] {
    const at = key.lastIndexOf(":");
    return [key.slice(0, at), key.slice(at + 1)];
}

function byName(a: StoredResource, b: StoredResource): number {
    return a.id.name.localeCompare(b.id.name);
}
