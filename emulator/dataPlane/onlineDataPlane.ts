import { metricsAnswer } from "../monitor/metricsApi";
import * as path from "path";
import { ArmHooks, ArmServer } from "../arm/armServer";
import { StoredResource } from "../arm/storedResource";
import { registeredModel } from "./registeredModel";
import { InferenceServer } from "../inference/inferenceServer";
import { LocalRouter, Routing } from "../inference/localRouter";
import { prepareModelEnvironments } from "../inference/modelEnvironment";

const endpointType = "microsoft.machinelearningservices/workspaces/onlineendpoints";
const deploymentType = "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments";

interface LiveEndpoint {
    readonly router: LocalRouter;
    readonly servers: Map<string, InferenceServer>;
    body: Record<string, any>;
}

export interface OnlineDataPlaneOptions {
    readonly projectDir: string;
    /** The emulated storage: where registered model files are read from. */
    readonly storageDir: string;
    /** The token Entra would hand out here (AADToken endpoints take it). */
    readonly entraToken: string;
    readonly progress: (line: string) => void;
}

/**
 * Online endpoints' data plane: each endpoint's scoring URI is a local router (traffic, mirror,
 * the deployment header, the endpoint's auth mode) in front of one Azure inference server per
 * deployment, started when the deployment is created (its PUT succeeds once the server is live,
 * fails with the server's reason otherwise) and stopped when it is deleted. A deployment's server
 * loads the model from the emulated datastore at its registered `modelUri` (a registry version's
 * from the registry's storage), in the model's own Python environment, so a model that was never
 * uploaded, or that cannot load, shows as on Azure.
 */
export class OnlineDataPlane {
    private readonly endpoints = new Map<string, LiveEndpoint>();
    private arm?: ArmServer;
    /**
     * Azure Monitor's ingestion delay: a request shows in the metrics API this long after its
     * answer ended. Azure takes a few minutes; 0 (the default) keeps everyday runs fast, and a
     * test sets it to prove that a rollout waits for late metrics.
     */
    metricsDelayMs = 0;

    constructor(private readonly options: OnlineDataPlaneOptions) {}

    /** The ARM server's hooks; `attach` the server before the first request. */
    readonly hooks: ArmHooks = {
        afterPut: (resource, body) => {
            const type = resource.id.type.toLowerCase();
            if (type === endpointType) return this.putEndpoint(resource, body);
            if (type === deploymentType) return this.putDeployment(resource, body);
            return Promise.resolve();
        },
        beforeDelete: async (resource) => {
            const type = resource.id.type.toLowerCase();
            if (type === deploymentType) await this.deleteDeployment(resource);
            if (type === endpointType) await this.deleteEndpoint(resource);
        },
        // Azure Monitor's endpoint metrics, from what the endpoint's router really served.
        metrics: (resource, query) => {
            if (resource.id.type.toLowerCase() !== endpointType) return undefined;
            const ingestedUpTo = Date.now() - this.metricsDelayMs;
            const log = this.endpoints.get(resource.id.key)?.router.requestLog ?? [];
            return metricsAnswer(resource.id.id, query, log.filter((request) => request.at <= ingestedUpTo));
        },
    };

    attach(arm: ArmServer): void {
        this.arm = arm;
    }

    async stop(): Promise<void> {
        for (const endpoint of this.endpoints.values()) {
            await endpoint.router.stop();
            await Promise.all([...endpoint.servers.values()].map((server) => server.stop()));
        }
        this.endpoints.clear();
    }

    private async putEndpoint(resource: StoredResource, body: Record<string, any>): Promise<Record<string, any>> {
        let live = this.endpoints.get(resource.id.key);
        if (!live) {
            const router = await new LocalRouter({ deployments: {}, traffic: {}, mirrorTraffic: {}, key: "-" }).start();
            live = { router, servers: new Map(), body };
            this.endpoints.set(resource.id.key, live);
        }
        live.body = body;
        this.reroute(resource.id.id, live);
        return { scoringUri: live.router.scoringUri, swaggerUri: `${live.router.url}/swagger.json` };
    }

    private async putDeployment(resource: StoredResource, body: Record<string, any>): Promise<void> {
        const endpointKey = resource.id.parent!.toLowerCase();
        const live = this.endpoints.get(endpointKey);
        if (!live) throw new Error(`endpoint ${resource.id.parent} has no data plane`);
        const name = resource.id.name.toLowerCase();
        const model = registeredModel(this.arm!, this.options.storageDir, String(body.properties?.model ?? ""));
        const environments = await prepareModelEnvironments([model], {
            projectDir: this.options.projectDir,
            progress: this.options.progress,
        });
        const previous = live.servers.get(name);
        const server = await InferenceServer.start({
            deployment: name,
            modelDir: model.dir,
            bin: environments.get(model.key)!.bin,
            entryScript: path.join(this.options.projectDir, "serving", "score.py"),
            projectDir: this.options.projectDir,
            environmentVariables: body.properties?.environmentVariables ?? {},
        }).catch((err: Error) => {
            throw new Error(`deployment ${resource.id.name} failed to start: ${err.message}`);
        });
        live.servers.set(name, server);
        this.reroute(resource.id.parent!, live);
        // An updated deployment swaps servers once the new one answers, as Azure rolls instances.
        await previous?.stop();
    }

    private async deleteDeployment(resource: StoredResource): Promise<void> {
        const live = this.endpoints.get(resource.id.parent!.toLowerCase());
        const server = live?.servers.get(resource.id.name.toLowerCase());
        if (!live || !server) return;
        live.servers.delete(resource.id.name.toLowerCase());
        this.reroute(resource.id.parent!, live);
        await server.stop();
    }

    private async deleteEndpoint(resource: StoredResource): Promise<void> {
        const live = this.endpoints.get(resource.id.key);
        if (!live) return;
        this.endpoints.delete(resource.id.key);
        await live.router.stop();
        await Promise.all([...live.servers.values()].map((server) => server.stop()));
    }

    /** The router follows the endpoint's traffic and auth mode, and its live deployments. */
    private reroute(endpointId: string, live: LiveEndpoint): void {
        const credentials = this.arm!.endpointCredentials(endpointId);
        const authMode = String(live.body.properties?.authMode ?? "Key");
        const accepted =
            authMode === "Key"
                ? [credentials.primaryKey, credentials.secondaryKey]
                : authMode === "AMLToken"
                  ? [credentials.amlToken]
                  : [this.options.entraToken];
        const routing: Routing = {
            deployments: Object.fromEntries([...live.servers].map(([name, server]) => [name, server.url])),
            traffic: live.body.properties?.traffic ?? {},
            mirrorTraffic: live.body.properties?.mirrorTraffic ?? {},
            key: accepted[0],
            otherCredentials: accepted.slice(1),
        };
        live.router.reroute(routing);
    }
}
