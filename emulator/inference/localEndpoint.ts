import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { StackConfig } from "../../config/schema";
import { modelFolders } from "../../config/modelFolders";
import { InferenceServer } from "./inferenceServer";
import { LocalRouter } from "./localRouter";
import { ModelEnvironment } from "./modelEnvironment";
import { endpointKeyVariable } from "../../runtime/scoring/scoringCredential";

export interface LocalEndpoint {
    readonly scoringUri: string;
    readonly key: string;
    /** Where the key came from, for people (never the key itself). */
    readonly keySource: string;
    readonly router: LocalRouter;
    readonly servers: readonly InferenceServer[];
    /** Milliseconds from the first server's start until the router answered. */
    readonly startupMs: number;
    stop(): Promise<void>;
}

/**
 * The stack's online endpoint on this machine: one Azure ML inference server per deployment,
 * each with the model version that deployment serves, behind a router with the stack's traffic,
 * mirror traffic and key auth.
 */
export async function startLocalEndpoint(options: {
    readonly config: StackConfig;
    readonly projectDir: string;
    /** Each served model's Python environment, by `name:version`. */
    readonly environments: ReadonlyMap<string, ModelEnvironment>;
    readonly env: NodeJS.ProcessEnv;
    readonly port?: number;
}): Promise<LocalEndpoint> {
    const online = options.config.onlineEndpoint;
    if (!online) throw new Error("this stack declares no onlineEndpoint to run");
    const modelDirs = modelFolders(options.config, options.projectDir);
    const started = Date.now();

    const launched = await Promise.allSettled(
        online.deployments.map((deployment) =>
            InferenceServer.start({
                deployment: deployment.name,
                modelDir: modelDirs.get(deployment.model)!,
                bin: options.environments.get(deployment.model)!.bin,
                entryScript: path.join(options.projectDir, "serving", "score.py"),
                projectDir: options.projectDir,
                environmentVariables: deployment.environmentVariables,
            }),
        ),
    );
    const servers = launched.flatMap((l) => (l.status === "fulfilled" ? [l.value] : []));
    const failed = launched.find((l): l is PromiseRejectedResult => l.status === "rejected");
    if (failed) {
        await Promise.all(servers.map((s) => s.stop()));
        throw failed.reason;
    }

    const { key, keySource } = endpointKey(options.env, options.projectDir);
    const router = await new LocalRouter({
        deployments: Object.fromEntries(servers.map((s) => [s.deployment, s.url])),
        traffic: online.traffic,
        mirrorTraffic: online.mirrorTraffic,
        key,
        port: options.port,
    }).start();

    return {
        scoringUri: router.scoringUri,
        key,
        keySource,
        router,
        servers,
        startupMs: Date.now() - started,
        stop: async () => {
            await router.stop();
            await Promise.all(servers.map((s) => s.stop()));
        },
    };
}

/**
 * The key the local endpoint demands: AZUREML_ENDPOINT_KEY when set, else a fresh random one,
 * written to .local/endpoint-key (readable by its owner only) for people and other tools.
 */
function endpointKey(env: NodeJS.ProcessEnv, projectDir: string): { key: string; keySource: string } {
    const given = env[endpointKeyVariable]?.trim();
    if (given) return { key: given, keySource: `${endpointKeyVariable} (from your environment)` };
    const key = randomBytes(24).toString("base64url");
    const file = path.join(projectDir, ".local", "endpoint-key");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, key, { mode: 0o600 });
    // `mode` applies only when the file is created; an older file may have looser permissions.
    fs.chmodSync(file, 0o600);
    return { key, keySource: `generated for this run, saved to ${path.relative(projectDir, file)} (export ${endpointKeyVariable}=$(cat ${path.relative(projectDir, file)}))` };
}
