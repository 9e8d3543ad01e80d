import { EngineStack } from "../../tools/engine/engineStack";

/**
 * What each stack's last successful `up` deployed, so that a scenario can state where it starts:
 * `given` deploys that starting point only when the scenario before did not leave the stack there.
 * In file order nothing is deployed twice; alone (`-t`), a scenario deploys its start first.
 */
export class StartingPoints {
    private readonly deployed = new Map<string, string>();

    /**
     * `opened`, whose `up` records `deployment()` (read when the `up` starts) once it succeeds, and
     * whose `destroy` forgets what was deployed.
     */
    track(stack: string, opened: EngineStack, deployment: () => string): EngineStack {
        const up = opened.up.bind(opened);
        const destroy = opened.destroy.bind(opened);
        return Object.assign(opened, {
            up: async (...args: Parameters<EngineStack["up"]>) => {
                const what = deployment();
                const result = await up(...args);
                this.deployed.set(stack, what);
                return result;
            },
            destroy: async (...args: Parameters<EngineStack["destroy"]>) => {
                this.deployed.delete(stack);
                return destroy(...args);
            },
        });
    }

    /** Runs `up` on the stack `open` gives unless the last successful `up` deployed `deployment`. */
    async given(stack: string, deployment: string, open: () => Promise<EngineStack>): Promise<void> {
        if (this.deployed.get(stack) !== deployment) await (await open()).up();
    }
}
