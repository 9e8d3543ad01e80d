import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { armEndpointVariable } from "../lib/arm/clouds";
import { FakeArm } from "./support/fakeArm";
import { runProgram } from "./support/program";
import { projectDir, stackConfigValues } from "./support/stackFile";

const endpointId =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/diabetes-abc123";

/**
 * Pulumi runs a dynamic provider from the code it serialized into the resource's inputs, in a
 * plain Node.js process without TypeScript. This runs that code the same way (require-from-string,
 * as Pulumi's provider host does) against the local Resource Manager.
 */
describe("the serialized traffic provider", () => {
    it("runs in plain Node.js and applies traffic", async () => {
        const { mocks } = await runProgram(stackConfigValues("dev"), "dev");
        const serialized = mocks.one("pulumi-nodejs:dynamic/azureml:OnlineEndpointTraffic").inputs.__provider as string;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-"));
        const providerFile = path.join(dir, "provider.js");
        fs.writeFileSync(providerFile, serialized);
        const runner = path.join(dir, "run.js");
        fs.writeFileSync(
            runner,
            `
            const Module = require("module");
            const projectRequire = Module.createRequire(${JSON.stringify(path.join(projectDir, "provider.js"))});
            // Stands in for an Azure login: the provider asks @azure/identity for DefaultAzureCredential
            // at run time, and must get a local one (the real chain would probe the network).
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
        const arm = await new FakeArm().start();
        arm.addEndpoint(endpointId, { blue: "Succeeded", green: "Succeeded" });
        arm.pollsInProgress = 0;
        try {
            const inputs = {
                endpointId,
                cloud: "public",
                kind: "onlineTraffic",
                settings: { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } },
                requiredDeployments: ["blue", "green"],
                endpointRevision: "r1",
                timeoutSeconds: 60,
            };
            const { stdout } = await promisify(execFile)(process.execPath, [runner, JSON.stringify(inputs)], {
                env: { ...process.env, [armEndpointVariable]: arm.url },
                cwd: projectDir,
                timeout: 15000,
            });
            expect(JSON.parse(stdout).outs.applied).toEqual({ traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } });
            expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100, green: 0 });
        } finally {
            await arm.stop();
        }
    });
});
