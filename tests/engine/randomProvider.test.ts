import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as random from "@pulumi/random";
import { EngineStack } from "../../tools/engine/engineStack";
import { projectDir } from "../support/stackFile";

/**
 * The local `random` provider plugin (emulator/providers/random) under the real engine: found on
 * PATH, a string drawn once and kept, no diff on a re-run, a replacement when an input changes.
 * Also the engine runner's promise: the committed stack file is left byte for byte as it was.
 */
jest.setTimeout(180_000);

let scratch: string;
beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-random-"));
    fs.writeFileSync(path.join(scratch, "Pulumi.yaml"), "name: random-check\nruntime: nodejs\n");
    fs.writeFileSync(path.join(scratch, "Pulumi.check.yaml"), "# committed: must not change\nconfig:\n  random-check:length: \"8\"\n");
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const env = { PATH: `${path.join(projectDir, "emulator", "bin")}${path.delimiter}${process.env.PATH}` };

async function stackWith(length: number) {
    return EngineStack.open({
        projectDir: scratch,
        stack: "check",
        stateDir: path.join(scratch, "state"),
        env,
        program: async () => {
            const suffix = new random.RandomString("suffix", { length, special: false, upper: false });
            return { suffix: suffix.result };
        },
    });
}

it("draws a string once, keeps it, and replaces it only when an input changes", async () => {
    const committed = fs.readFileSync(path.join(scratch, "Pulumi.check.yaml"), "utf8");
    const first = await stackWith(6);
    const up = await first.up();
    const drawn = up.outputs.suffix.value as string;
    expect(drawn).toMatch(/^[a-z0-9]{6}$/);

    const again = await stackWith(6);
    const preview = await again.preview({ expectNoChanges: true });
    expect(preview.changeSummary).toEqual({ same: 2 });
    expect((await again.up()).outputs.suffix.value).toBe(drawn);

    const longer = await stackWith(8);
    const replaced = await longer.preview();
    expect(replaced.changeSummary).toMatchObject({ replace: 1 });
    await longer.destroy();

    expect(fs.readFileSync(path.join(scratch, "Pulumi.check.yaml"), "utf8")).toBe(committed);
    expect(fs.readFileSync(first.configFile, "utf8")).toMatch(/^encryptionsalt: v1:/);
});
