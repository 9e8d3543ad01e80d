import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
// The emulator's own table of Azure types: the mocks give resources the ids the emulator gives them.
import { armIdOf, typeByToken } from "../../emulator/resources";
import { databricksWorkspaceId, databricksWorkspaceUrl } from "../../emulator/resources/databricksWorkspace";
import { RegionalQuota } from "../../emulator/quota/regionalQuota";
import { PreflightAzure, replacePreflightAzure } from "../../program/preflight/azureReads";
import { nothingLive } from "../../program/preflight/liveState";

/**
 * Pulumi mocks that record what a program declares, for running it in-process without the engine
 * or Azure: by the tests, and by the offline plan. Values Azure would compute (ids, GUIDs, URIs)
 * are shaped like Azure's but are placeholders.
 */

/** One resource the program declared, as the engine would have seen it. */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly id: string;
}

/** Options a resource was declared with, captured through a stack transformation. */
export interface DeclaredOptions {
    readonly type: string;
    readonly name: string;
    readonly protect?: boolean;
    readonly retainOnDelete?: boolean;
    readonly ignoreChanges?: string[];
    /** Logical names of explicit dependencies. */
    readonly dependsOn: string[];
    readonly parentName?: string;
}

export const fakeSubscription = "00000000-0000-0000-0000-000000000000";

/** Azure for the preflight under mocks: the local Azure's committed quota fixture, and nothing deployed yet. */
const offlinePreflightAzure: PreflightAzure = {
    async regionQuota(subscriptionId, location) {
        const quota = new RegionalQuota();
        return { subscriptionId, usages: quota.usages(() => [], subscriptionId, location), vmSizes: quota.vmSizes() };
    },
    liveState: async () => nothingLive,
};
export const fakeSuffix = "k3x9q2";

function guid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function armId(type: string, inputs: Record<string, any>): string | undefined {
    return typeByToken[type] ? armIdOf(type, inputs, fakeSubscription) : undefined;
}

/** Outputs Azure (or a provider) computes that the program reads; everything else echoes the inputs. */
export function computedState(type: string, inputs: Record<string, any>): Record<string, unknown> {
    const shape = typeByToken[type]?.mapping;
    const state: Record<string, unknown> = shape ? { name: inputs[shape.nameInput] } : {};
    switch (type) {
        case "random:index/randomString:RandomString":
            return { result: fakeSuffix.slice(0, inputs.length) };
        case "azure-native:machinelearningservices:Workspace":
            return {
                ...state,
                workspaceId: guid(inputs.workspaceName),
                mlFlowTrackingUri: `azureml://${inputs.location}.api.azureml.ms/mlflow/v1.0/subscriptions/${fakeSubscription}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}`,
            };
        case "azure-native:machinelearningservices:OnlineEndpoint":
        case "azure-native:machinelearningservices:BatchEndpoint": {
            const host = `${inputs.endpointName}.${inputs.location}.inference.ml.azure.com`;
            const online = type.endsWith("OnlineEndpoint");
            return {
                ...state,
                systemData: { createdAt: "2026-01-01T00:00:00Z", lastModifiedAt: "2026-01-01T00:00:00Z" },
                properties: {
                    ...inputs.properties,
                    provisioningState: "Succeeded",
                    scoringUri: online ? `https://${host}/score` : `https://${host}/jobs`,
                    ...(online ? { swaggerUri: `https://${host}/swagger.json` } : {}),
                },
            };
        }
        case "azure-native:databricks:Workspace": {
            const id = armIdOf(type, inputs, fakeSubscription);
            return { ...state, workspaceId: databricksWorkspaceId(id), workspaceUrl: databricksWorkspaceUrl(id) };
        }
        case "databricks:index/modelServing:ModelServing":
            return { servingEndpointId: guid(inputs.name).replace(/-/g, ""), endpointUrl: `/serving-endpoints/${inputs.name}` };
        case "databricks:index/cluster:Cluster":
            return { clusterId: `0000-000000-${guid(inputs.clusterName).slice(0, 8)}` };
        case "pulumi-nodejs:dynamic/databricks:ServingEndpointConfig":
            return { applied: { entities: inputs.servedEntities, routes: inputs.routes } };
        case "pulumi-nodejs:dynamic/databricks:ServingSmokeTest":
            return { lastRun: { skipped: "offline: nothing is deployed, so nothing was scored" } };
        case "pulumi-nodejs:dynamic/azureml:OnlineEndpoint":
        case "pulumi-nodejs:dynamic/azureml:BatchEndpoint": {
            const name = String(inputs.endpointId).split("/").pop()!;
            const host = `${name}.${inputs.location}.inference.ml.azure.com`;
            const online = type.endsWith("OnlineEndpoint");
            return online
                ? { name, scoringUri: `https://${host}/score`, swaggerUri: `https://${host}/swagger.json` }
                : { name, scoringUri: `https://${host}/jobs` };
        }
        default:
            // Dynamic resources report what a successful run would: the settings applied, a passing smoke test.
            if (type === "pulumi-nodejs:dynamic/azureml:PostDeploySmokeTest" || type === "pulumi-nodejs:dynamic/azureml:PreTrafficProbe") {
                return { lastRun: { skipped: "offline: nothing is deployed, so nothing was scored" } };
            }
            if (type.startsWith("pulumi-nodejs:dynamic/")) return { applied: inputs.settings };
            return state;
    }
}

export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: DeclaredResource[] = [];
    readonly options: DeclaredOptions[] = [];

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const id = armId(args.type, args.inputs) ?? `${args.name}-id`;
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, id });
        return { id, state: { ...args.inputs, ...computedState(args.type, args.inputs) } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        if (args.token === "azure-native:machinelearningservices:listOnlineEndpointKeys") {
            return { primaryKey: "offline-placeholder-primary-key", secondaryKey: "offline-placeholder-secondary-key" };
        }
        if (args.token === "azure-native:authorization:getClientConfig") {
            return { tenantId: guid("tenant"), subscriptionId: fakeSubscription, clientId: guid("client"), objectId: guid("object") };
        }
        if (/^azure-native:machinelearningservices:get(Workspace|ModelVersion)$/.test(args.token)) {
            // Models by reference live in Azure: nothing offline can check them (and nothing may call Azure from here).
            throw new Error("the offline plan cannot check models registered in the workspace (entries of models without a folder path): run `pulumi preview` (or `npm run local`), which reads them from Azure");
        }
        throw new Error(`unexpected invoke ${args.token}`);
    }

    ofType(type: string): DeclaredResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    one(type: string): DeclaredResource {
        const found = this.ofType(type);
        if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
        return found[0];
    }

    optionsOf(name: string): DeclaredOptions {
        const found = this.options.find((o) => o.name === name);
        if (!found) throw new Error(`no resource named ${name}`);
        return found;
    }
}

/**
 * Installs fresh mocks and config for one program run. Must run before the program's modules are
 * imported: resources declared before `setMocks` would go to a real engine and hang.
 */
export async function installMocks(
    config: Record<string, string>,
    project: string,
    stack: string,
): Promise<RecordingMocks> {
    // Each fresh runtime adds an exit listener; many runs in one test file are expected.
    process.setMaxListeners(100);
    const mocks = new RecordingMocks();
    // The preflight reads the local Azure's committed quota and nothing that runs: no call leaves this process.
    replacePreflightAzure(offlinePreflightAzure);
    await pulumi.runtime.setMocks(mocks, project, stack, false);
    pulumi.runtime.setAllConfig(config);
    return mocks;
}

/**
 * Runs `declare` inside a root stack, as the engine does, recording every resource's options
 * (which mocks never see) through a stack transformation. Returns the stack's outputs.
 */
export async function declareInStack(mocks: RecordingMocks, declare: () => unknown): Promise<Record<string, unknown>> {
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            const dependsOn = ([] as pulumi.Resource[]).concat(
                (args.opts.dependsOn as pulumi.Resource[] | undefined) ?? [],
            );
            mocks.options.push({
                type: args.type,
                name: args.name,
                protect: args.opts.protect,
                retainOnDelete: args.opts.retainOnDelete,
                ignoreChanges: args.opts.ignoreChanges,
                dependsOn: dependsOn.map(resourceName),
                parentName: args.opts.parent ? resourceName(args.opts.parent) : undefined,
            });
            return undefined;
        });
        return declare();
    });
    await settled(mocks);
    return (outputs ?? {}) as Record<string, unknown>;
}

/** The logical name of a resource object (Pulumi keeps it on a private field). */
export function resourceName(resource: pulumi.Resource): string {
    return (resource as unknown as { __name: string }).__name;
}

/** Resolves an Output in a test. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** Waits until the program has stopped declaring resources (registrations are asynchronous). */
export async function settled(mocks: RecordingMocks): Promise<void> {
    let last = -1;
    let quiet = 0;
    while (quiet < 3) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        quiet = mocks.resources.length === last ? quiet + 1 : 0;
        last = mocks.resources.length;
    }
}
