import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { armEndpointVariable } from "../../runtime/arm/clouds";
import { EmulatedArm } from "../support/emulatedArm";
import { FakeScoring } from "../support/fakeScoring";
import { runProgram } from "../support/program";
import { projectDir, stackConfigValues } from "../support/stackFile";

const endpointId =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/diabetes-abc123";

/**
 * Runs `create` of a provider from the code Pulumi serialized into a resource's inputs, the way
 * Pulumi's provider host does (require-from-string, plain Node.js, no TypeScript). @azure/identity's
 * DefaultAzureCredential is replaced by a local one: the real chain would probe the network.
 */
async function createWithSerializedProvider(serialized: string, inputs: unknown, env: NodeJS.ProcessEnv): Promise<any> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-"));
    const providerFile = path.join(dir, "provider.js");
    fs.writeFileSync(providerFile, serialized);
    const runner = path.join(dir, "run.js");
    fs.writeFileSync(
        runner,
        `
        const Module = require("module");
        const projectRequire = Module.createRequire(${JSON.stringify(path.join(projectDir, "provider.js"))});
        const load = Module._load;
        Module._load = function (request, ...rest) {
            if (request === "@azure/identity") {
                return { DefaultAzureCredential: class { async getToken() { return { token: "test-token", expiresOnTimestamp: Date.now() + 3600000 }; } } };
            }
            return load.call(this, request, ...rest);
        };
        const requireFromString = projectRequire("require-from-string");
        const source = require("fs").readFileSync(${JSON.stringify(providerFile)}, "utf8");
        const provider = requireFromString(source, ${JSON.stringify(path.join(projectDir, "provider.js"))}).handler();
        provider.create(JSON.parse(process.argv[2])).then(
            (result) => console.log(JSON.stringify(result)),
            (err) => { console.error(err.message); process.exit(1); },
        );
        `,
    );
    try {
        const { stdout } = await promisify(execFile)(process.execPath, [runner, JSON.stringify(inputs)], {
            env: { ...process.env, ...env },
            cwd: projectDir,
            timeout: 15000,
        });
        return JSON.parse(stdout);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("serialized dynamic providers", () => {
    let arm: EmulatedArm;
    let serialized: Record<string, any>;

    beforeAll(async () => {
        const { mocks } = await runProgram(stackConfigValues("dev"), "dev");
        serialized = Object.fromEntries(mocks.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => [r.type.split(":").pop(), r.inputs]));
    });
    beforeEach(async () => {
        arm = await new EmulatedArm().start();
        arm.addEndpoint(endpointId, { blue: "Succeeded", green: "Succeeded" });
    });
    afterEach(() => arm.stop());

    it("the traffic provider runs in plain Node.js and applies traffic", async () => {
        // The dev program's own inputs, pointed at the local endpoint.
        const { __provider, ...declared } = serialized.OnlineEndpointTraffic;
        const inputs = { ...declared, endpointId, timeoutSeconds: 60 };
        const result = await createWithSerializedProvider(__provider, inputs, { [armEndpointVariable]: arm.url });
        expect(result.outs.applied).toEqual({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } });
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
    });

    it("the smoke test provider runs in plain Node.js, fetching the key and scoring every deployment", async () => {
        const endpoint = await new FakeScoring().start();
        endpoint.expectedKey = arm.credentials(endpointId).primaryKey;
        try {
            const { __provider, ...declared } = serialized.PostDeploySmokeTest;
            const inputs = { ...declared, scoringUri: endpoint.scoringUri, endpointId, lastRun: undefined, load: undefined };
            const result = await createWithSerializedProvider(__provider, inputs, { [armEndpointVariable]: arm.url });
            expect(result.outs.lastRun.passed).toBe(true);
            expect(endpoint.calls.map((c) => c.deployment)).toEqual(["blue", "green", undefined]);
        } finally {
            await endpoint.stop();
        }
    });
});
