import * as fs from "fs";
import * as path from "path";
import { DestroyOptions, LocalWorkspace, PreviewOptions, PulumiFn, RefreshOptions, Stack, UpOptions } from "@pulumi/pulumi/automation";
import { projectNameIn } from "../stacks/stackFile";
import { engineEnvironment } from "./engineEnvironment";
import { pinnedPulumiCli } from "./pulumiCli";

export interface EngineStackOptions {
    /** The project root: its Pulumi.yaml and Pulumi.<stack>.yaml are the ones the engine reads. */
    readonly projectDir: string;
    readonly stack: string;
    /** The program, run in this process (an Automation API inline program). */
    readonly program: PulumiFn;
    /** Where the file backend keeps state. Default `.local/state`. Not with `backend`. */
    readonly stateDir?: string;
    /** A state backend other than a folder, e.g. Azure Blob Storage shared by a team (tools/backend). */
    readonly backend?: StateBackend;
    /** Encrypts the stack's secrets in its state. Default: a fixed local passphrase. */
    readonly passphrase?: string;
    /** More environment for the engine and the plugins it starts (e.g. PATH, emulator addresses). */
    readonly env?: Readonly<Record<string, string>>;
}

/** A state backend as the engine logs in to it. */
export interface StateBackend {
    /** What `pulumi login` takes, e.g. `azblob://<container>?domain=127.0.0.1:<port>&protocol=http`. */
    readonly url: string;
    /** What the engine needs to reach it, e.g. `AZURE_STORAGE_ACCOUNT` and `AZURE_STORAGE_KEY`. */
    readonly env: Readonly<Record<string, string>>;
}

/**
 * A stack run by the Pulumi engine (the pinned CLI) through the Automation API, against a file
 * state backend (or the `backend` given) and a passphrase secrets provider, from the project root.
 * Stacks opened with the same passphrase (the default's is fixed) read each other's outputs,
 * secrets included, through stack references.
 *
 * The passphrase provider writes an `encryptionsalt` into the stack's config file, and a local run
 * must not change committed files. So every operation reads its config from a copy
 * (`.local/engine/config/Pulumi.<stack>.yaml`, given as `--config-file`) made from the committed
 * file's exact text plus the salt, and whatever the engine writes into the committed file is
 * taken out (the salt kept in the copy) and the file put back byte for byte.
 */
export class EngineStack {
    private constructor(
        readonly stack: Stack,
        private readonly stackFile: string,
        private readonly committed: string,
        /** The copy every operation reads its config from. */
        readonly configFile: string,
        /** What the engine's plugins get besides this process's environment. */
        private readonly env: Readonly<Record<string, string>>,
    ) {}

    static async open(options: EngineStackOptions): Promise<EngineStack> {
        const { projectDir, stack } = options;
        const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
        const committed = fs.readFileSync(stackFile, "utf8");
        const configFile = path.join(projectDir, ".local", "engine", "config", `Pulumi.${stack}.yaml`);
        if (options.backend && options.stateDir) throw new Error("EngineStack: give either stateDir (a file backend) or backend, not both");
        const stateDir = options.stateDir ?? path.join(projectDir, ".local", "state");
        if (!options.backend) fs.mkdirSync(stateDir, { recursive: true });
        fs.mkdirSync(path.dirname(configFile), { recursive: true });
        const pulumiCommand = await pinnedPulumiCli();
        const envVars = {
            ...engineEnvironment(stateDir, options.passphrase ?? "local-emulator-passphrase"),
            // The file backend's URL replaced; the backend's credentials go to the engine and its plugins, never into this process's environment.
            ...(options.backend && { PULUMI_BACKEND_URL: options.backend.url, ...options.backend.env }),
            ...options.env,
        };
        let opened: EngineStack | undefined;
        const restore = () => opened?.putBack() ?? putBack(stackFile, committed, configFile);
        try {
            const created = await LocalWorkspace.createOrSelectStack(
                { stackName: stack, projectName: projectNameIn(projectDir), program: options.program },
                { workDir: projectDir, pulumiCommand, envVars },
            );
            opened = new EngineStack(created, stackFile, committed, configFile, options.env ?? {});
        } finally {
            restore();
        }
        return opened;
    }

    up(options: UpOptions = {}) {
        return this.guarded(() => this.stack.up({ ...options, configFile: this.configFile }));
    }

    preview(options: PreviewOptions = {}) {
        return this.guarded(() => this.stack.preview({ ...options, configFile: this.configFile }));
    }

    refresh(options: RefreshOptions = {}) {
        return this.guarded(() => this.stack.refresh({ ...options, configFile: this.configFile }));
    }

    destroy(options: DestroyOptions = {}) {
        return this.guarded(() => this.stack.destroy({ ...options, configFile: this.configFile }));
    }

    private async guarded<T>(operation: () => Promise<T>): Promise<T> {
        this.writeCopy();
        // The inline program runs in this process, and calls Azure itself where no provider does (a
        // referenced model's MLmodel in storage, the workspace's MLflow): during the operation it
        // gets the environment the engine's plugins get, as a program on a real machine has the
        // shell's `az login`; afterwards this process's own is back.
        const before = Object.fromEntries(Object.keys(this.env).map((key) => [key, process.env[key]]));
        Object.assign(process.env, this.env);
        try {
            return await operation();
        } finally {
            for (const [key, value] of Object.entries(before)) {
                if (value === undefined) delete process.env[key];
                else process.env[key] = value;
            }
            this.putBack();
        }
    }

    /** The copy: the committed text, with the salt the engine wrote earlier. */
    private writeCopy(): void {
        fs.writeFileSync(this.configFile, withSalt(this.committed, saltIn(readIfExists(this.configFile))));
    }

    private putBack(): void {
        putBack(this.stackFile, this.committed, this.configFile);
    }
}

/** Moves a salt the engine wrote into the committed stack file into the copy, and restores the file. */
function putBack(stackFile: string, committed: string, configFile: string): void {
    const now = fs.readFileSync(stackFile, "utf8");
    if (now === committed) return;
    const salt = saltIn(now) ?? saltIn(readIfExists(configFile));
    fs.writeFileSync(configFile, withSalt(committed, salt));
    fs.writeFileSync(stackFile, committed);
}

function saltIn(text: string | undefined): string | undefined {
    return /^encryptionsalt:\s*(\S+)\s*$/m.exec(text ?? "")?.[1];
}

/** The committed text with `encryptionsalt` as its first line (any salt already in it replaced). */
function withSalt(text: string, salt: string | undefined): string {
    const without = text.replace(/^encryptionsalt:.*\n?/m, "");
    return salt ? `encryptionsalt: ${salt}\n${without}` : without;
}

function readIfExists(file: string): string | undefined {
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}
