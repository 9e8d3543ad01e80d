import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { StateBackend } from "../engine/engineStack";

/**
 * Azurite's one storage account and its key: the same on every machine, published in Azurite's
 * README (the "well-known" development account). Not a secret; still never printed here.
 */
export const azuriteAccount = "devstoreaccount1";
const azuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface TeamBackendOptions {
    /** The project root: Azurite keeps its data under `.local/azurite/<name>/` (emptied at start). */
    readonly projectDir: string;
    /** Names this backend's folder, so backends of other runs may go on beside it. */
    readonly name: string;
    /** The blob container that holds the state (Pulumi's `.pulumi/` tree). Default `pulumi-state`. */
    readonly container?: string;
    /** Milliseconds to wait for Azurite to listen. Default 30 000. */
    readonly startTimeoutMs?: number;
}

/**
 * The state backend teams share, Azure Blob Storage, on this machine: Azurite's blob service
 * (Microsoft's storage emulator, the real server code) on 127.0.0.1 at a port the system picks,
 * with the state container created (Pulumi's DIY backend does not create it). The engine logs in
 * with `backendUrl` and `environment()`; stacks, their history and the engine's update locks are
 * blobs in the container, as they are in an Azure storage account.
 */
export class TeamBackend {
    private constructor(
        private readonly child: ChildProcess,
        /** Azurite's blob endpoint for the account, `http://127.0.0.1:<port>/devstoreaccount1`. */
        readonly blobEndpoint: string,
        readonly container: string,
        /** Where Azurite keeps the blobs. */
        readonly dataDir: string,
        private readonly killOnExit: () => void,
    ) {}

    static async start(options: TeamBackendOptions): Promise<TeamBackend> {
        const container = options.container ?? "pulumi-state";
        const dataDir = path.join(options.projectDir, ".local", "azurite", options.name);
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.mkdirSync(dataDir, { recursive: true });
        const azuriteBlob = path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
        const child = spawn(
            process.execPath,
            [
                azuriteBlob,
                ...["--blobHost", "127.0.0.1", "--blobPort", "0", "--location", dataDir],
                // The engine's and @azure/storage-blob's API versions are newer than Azurite knows
                // (every request would be a 400 InvalidHeaderValue otherwise); no telemetry leaves
                // the machine; no access log on stdout.
                ...["--skipApiVersionCheck", "--disableTelemetry", "--silent"],
            ],
            { cwd: dataDir, stdio: ["ignore", "pipe", "pipe"] },
        );
        // Azurite dies with this process, even when it is not stopped (a test that throws, Ctrl-C).
        const killOnExit = () => child.kill("SIGKILL");
        process.once("exit", killOnExit);
        try {
            const port = await listening(child, options.startTimeoutMs ?? 30_000);
            const backend = new TeamBackend(child, `http://127.0.0.1:${port}/${azuriteAccount}`, container, dataDir, killOnExit);
            await backend.containerClient().createIfNotExists();
            return backend;
        } catch (err) {
            process.removeListener("exit", killOnExit);
            child.kill("SIGKILL");
            throw err;
        }
    }

    /** What `pulumi login` takes (or `PULUMI_BACKEND_URL`): `azblob://<container>?domain=127.0.0.1:<port>&protocol=http`. */
    get backendUrl(): string {
        const { host } = new URL(this.blobEndpoint);
        return `azblob://${this.container}?domain=${host}&protocol=http`;
    }

    /** The engine's credentials for the backend: the account and its shared key. */
    environment(): Record<string, string> {
        return { AZURE_STORAGE_ACCOUNT: azuriteAccount, AZURE_STORAGE_KEY: azuriteKey };
    }

    /** The backend as EngineStack takes it (`backend`). */
    get stateBackend(): StateBackend {
        return { url: this.backendUrl, env: this.environment() };
    }

    /** The names of the container's blobs under `prefix` (e.g. `.pulumi/locks/`), sorted. */
    async listBlobs(prefix = ""): Promise<string[]> {
        const names: string[] = [];
        for await (const blob of this.containerClient().listBlobsFlat({ prefix })) names.push(blob.name);
        return names.sort();
    }

    /** A blob's text (a stack's state file, say). */
    async readBlob(name: string): Promise<string> {
        return (await this.containerClient().getBlockBlobClient(name).downloadToBuffer()).toString("utf8");
    }

    /** Stops Azurite and waits for its process to end. */
    async stop(): Promise<void> {
        process.removeListener("exit", this.killOnExit);
        const child = this.child;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
    }

    private containerClient() {
        const credential = new StorageSharedKeyCredential(azuriteAccount, azuriteKey);
        return new BlobServiceClient(this.blobEndpoint, credential).getContainerClient(this.container);
    }
}

/** The port Azurite reports once it listens ("... successfully listens on http://127.0.0.1:<port>"). */
function listening(child: ChildProcess, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => fail(`Azurite did not listen within ${timeoutMs / 1000} s`), timeoutMs);
        const onData = (chunk: Buffer) => {
            output += chunk.toString("utf8");
            const port = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
            if (port) done(() => resolve(Number(port)));
        };
        const onExit = (code: number | null, signal: string | null) => fail(`Azurite exited (${signal ?? `code ${code}`}) before it listened`);
        const onError = (err: Error) => fail(`Azurite could not start: ${err.message}`);
        function fail(why: string) {
            done(() => reject(new Error(`${why}:\n${output.trim()}`)));
        }
        function done(settle: () => void) {
            clearTimeout(timer);
            child.stdout!.removeListener("data", onData);
            child.stderr!.removeListener("data", onData);
            child.removeListener("exit", onExit);
            child.removeListener("error", onError);
            // Keep draining its output, so Azurite never blocks on a full pipe.
            child.stdout!.resume();
            child.stderr!.resume();
            settle();
        }
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        child.once("exit", onExit);
        child.once("error", onError);
    });
}
