import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ArmServer } from "../../emulator/arm/armServer";
import { lowerCaseNames } from "../../emulator/arm/onlineTrafficRules";
import { RegionalQuota } from "../../emulator/quota/regionalQuota";

/** The token the emulator expects: what `FixedCredential` hands out by default. */
export const emulatorTestToken = "test-token";

/**
 * The emulator's own Resource Manager (emulator/arm), started for a unit test, with what such a
 * test starts from: an endpoint that already exists, with its deployments in given states, as
 * Azure returns it (kind, sku, identity, compute, `properties.properties`, so a PUT that dropped
 * them would show). One stand-in for Azure: the rules a unit test meets are the emulator's.
 */
export class EmulatedArm {
    readonly server: ArmServer;
    private readonly storage: string;

    constructor(token = emulatorTestToken, quota?: RegionalQuota) {
        this.storage = fs.mkdtempSync(path.join(os.tmpdir(), "emulated-arm-"));
        this.server = new ArmServer({ token, storageDir: this.storage, quota });
    }

    async start(): Promise<this> {
        await this.server.start();
        return this;
    }

    async stop(): Promise<void> {
        await this.server.stop();
        fs.rmSync(this.storage, { recursive: true, force: true });
    }

    get url(): string {
        return this.server.url;
    }

    get requests() {
        return this.server.requests;
    }

    get script() {
        return this.server.script;
    }

    /** An online or batch endpoint (with its workspace) and its deployments in the given provisioning states. */
    addEndpoint(id: string, deployments: Record<string, string> = {}, properties: Record<string, any> = {}): void {
        const online = /\/onlineEndpoints\//i.test(id);
        const workspace = id.replace(/\/(online|batch)Endpoints\/.*$/i, "");
        if (!this.server.resource(workspace)) this.server.seed(workspace, { location: "westeurope", properties: {} });
        const host = `${id.split("/").pop()}.westeurope.inference.ml.azure.com`;
        this.server.seed(id, {
            location: "westeurope",
            ...(online ? { kind: "Managed", sku: { name: "Default", tier: "Standard" } } : {}),
            identity: { type: "SystemAssigned" },
            tags: { stack: "test" },
            properties: {
                authMode: "Key",
                publicNetworkAccess: "Enabled",
                compute: null,
                description: "",
                properties: { "azureml.onlineendpointid": `/subscriptions/s1/${id.split("/").pop()}` },
                scoringUri: `https://${host}/${online ? "score" : "jobs"}`,
                ...(online ? { swaggerUri: `https://${host}/swagger.json`, traffic: {}, mirrorTraffic: {} } : {}),
                ...properties,
            },
        });
        for (const [name, state] of Object.entries(deployments)) this.server.seed(`${id}/deployments/${name}`, { location: "westeurope", properties: {} }, state);
    }

    /** The endpoint as the emulator keeps it (its last accepted body); changes to it are changes in Azure. */
    endpoint(id: string): Record<string, any> {
        const found = this.server.resource(id);
        if (!found) throw new Error(`no endpoint ${id}`);
        return found.body;
    }

    /** A deployment's provisioning state changed by Azure (e.g. to Failed). */
    setDeploymentState(endpointId: string, deployment: string, state: string): void {
        this.server.resource(`${endpointId}/deployments/${deployment}`)!.provisioningState = state;
    }

    /** Traffic changed outside Pulumi, e.g. in the portal. */
    setTrafficByHand(id: string, traffic: Record<string, number>, mirrorTraffic?: Record<string, number>): void {
        const endpoint = this.endpoint(id);
        endpoint.properties.traffic = lowerCaseNames(traffic);
        if (mirrorTraffic) endpoint.properties.mirrorTraffic = lowerCaseNames(mirrorTraffic);
        this.server.trafficChanged(id);
    }

    /** The endpoint's traffic at each change, oldest first. */
    timelineOf(id: string) {
        return this.server.trafficTimeline.filter((m) => m.endpoint.toLowerCase() === id.toLowerCase());
    }

    /** The key and AML token the endpoint hands out. */
    credentials(id: string) {
        return this.server.endpointCredentials(id);
    }
}
