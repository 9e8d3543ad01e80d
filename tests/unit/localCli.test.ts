import { runLocalCli } from "../../tools/local/cli";
import { committedStacks, projectDir } from "../support/stackFile";

/** Argument and stack errors end before any Python environment or server is touched. */
describe("npm run local: refusing bad requests up front", () => {
    async function local(args: string[]) {
        const out: string[] = [];
        const err: string[] = [];
        const code = await runLocalCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, projectDir);
        return { code, stdout: out.join("\n"), stderr: err.join("\n") };
    }

    it("names the stacks there are when the stack does not exist", async () => {
        const run = await local(["--stack", "staging"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`Pulumi.staging.yaml does not exist; stacks here: ${committedStacks.join(", ")}`);
        expect(run.stdout).toBe("");
    });

    it("rejects unknown options and contradictory modes", async () => {
        expect((await local(["--verbose"])).code).toBe(2);
        expect((await local(["--once", "--batch"])).stderr).toContain("--once and --batch do not go together");
        expect((await local(["preview", "--once"])).stderr).toContain("preview goes without --once and --batch");
        expect((await local(["deploy"])).stderr).toContain('unknown command "deploy"');
        expect((await local(["--output-uri", "azureml://datastores/workspaceblobstore/paths/p.csv"])).stderr).toContain("goes with --batch only");
        expect((await local(["--batch", "--output-uri", "p.csv"])).stderr).toContain("--output-uri p.csv: names no datastore path");
    });
});
