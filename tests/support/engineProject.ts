import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalAzure } from "../../emulator/localAzure";
import { TeamBackend } from "../../tools/backend/teamBackend";
import { EngineStack } from "../../tools/engine/engineStack";
import { main } from "../../program/main";
import { projectDir } from "./stackFile";
import { StartingPoints } from "./startingPoints";

export interface EngineProjectOptions {
    /**
     * Keep the stacks' state in Azure Blob Storage as a team does, served by Azurite on this machine
     * (`.local/azurite/<name>`), instead of the scratch folder's `state/`. Default false.
     */
    readonly teamBackend?: boolean;
    /** The local Azure's vCPU quota fixture (default the committed emulator/quota/quota.json). */
    readonly quotaFile?: string;
}

/**
 * A scratch copy of the project's Pulumi.yaml (stack files are written by each test) with its own
 * state, and Azure on this machine under `name`, for tests that run the program through the real
 * engine. Registers its own setup and teardown.
 */
export function engineProject(name: string, options: EngineProjectOptions = {}): {
    readonly dir: () => string;
    readonly azure: () => LocalAzure;
    /** The Azurite-served backend holding the stacks' state (with `teamBackend` only). */
    readonly teamBackend: () => TeamBackend;
    /** The program's stack `stack`, run by the engine against the emulator (with `env` added to its plugins' environment). */
    readonly open: (stack: string, env?: Readonly<Record<string, string>>) => Promise<EngineStack>;
    /**
     * Where a scenario starts: the stack `stack` deployed from the stack file `write` writes. Runs
     * an `up` unless the last successful `up` through `open` used exactly that file (a destroy
     * forgets it). In file order the previous scenario has left the stack there, so nothing is
     * deployed twice; alone (`-t`), a scenario deploys its starting point first.
     */
    readonly given: (stack: string, write: () => void, env?: Readonly<Record<string, string>>) => Promise<void>;
} {
    let scratch = "";
    let azure: LocalAzure | undefined;
    let team: TeamBackend | undefined;
    beforeAll(async () => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
        fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
        if (options.teamBackend) team = await TeamBackend.start({ projectDir, name });
        azure = await LocalAzure.start({ projectDir, name, progress: () => undefined, quotaFile: options.quotaFile });
    });
    afterAll(async () => {
        await azure?.stop();
        await team?.stop();
        fs.rmSync(scratch, { recursive: true, force: true });
    });
    const startingPoints = new StartingPoints();
    /** What an `up` of `stack` deploys: its stack file and the environment added to its plugins'. */
    const deployment = (stack: string, env: Readonly<Record<string, string>>) =>
        `${fs.readFileSync(path.join(scratch, `Pulumi.${stack}.yaml`), "utf8")}\n${JSON.stringify(env)}`;
    const open = async (stack: string, env: Readonly<Record<string, string>> = {}): Promise<EngineStack> => {
        const opened = await EngineStack.open({
            projectDir: scratch,
            stack,
            ...(team ? { backend: team.stateBackend } : { stateDir: path.join(scratch, "state") }),
            program: async () => main(),
            env: { ...azure!.engineEnvironment(), ...env },
        });
        return startingPoints.track(stack, opened, () => deployment(stack, env));
    };
    return {
        dir: () => scratch,
        azure: () => azure!,
        teamBackend: () => {
            if (!team) throw new Error(`engineProject("${name}") keeps its state in a folder; ask for { teamBackend: true }`);
            return team;
        },
        open,
        given: async (stack, write, env = {}) => {
            write();
            await startingPoints.given(stack, deployment(stack, env), () => open(stack, env));
        },
    };
}
