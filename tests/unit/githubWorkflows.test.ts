import { validateWorkflow } from "@action-validator/core";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { projectDir } from "../support/stackFile";

const dir = path.join(projectDir, ".github", "workflows");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml"));
const load = (file: string) => parseYaml(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, any>;
const stepsOf = (job: Record<string, any>) => job.steps as Record<string, any>[];

describe("GitHub workflows", () => {
    it("has the PR preview, the promotion and the per-stack deploy workflow", () => {
        expect(files.sort()).toEqual(["deploy-stack.yml", "preview.yml", "promote.yml"]);
    });

    it.each(files)("%s is valid against the published GitHub Actions workflow schema", (file) => {
        const result = validateWorkflow(fs.readFileSync(path.join(dir, file), "utf8"));
        expect(result.errors).toEqual([]);
    });

    it("the schema check catches a broken workflow", () => {
        const broken = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: not-a-list\n    timeout-minutes: soon\n";
        expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
    });

    it("previews dev and prod on pull requests with the policy pack, after the tests, one comment per stack from the project's command", () => {
        const workflow = load("preview.yml");
        expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
        expect(workflow.permissions).toMatchObject({ "id-token": "write", "pull-requests": "write" });
        expect(stepsOf(workflow.jobs.test).map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
        const preview = workflow.jobs.preview;
        expect(preview.needs).toBe("test");
        expect(preview.strategy.matrix.stack).toEqual(["dev", "prod"]);
        const steps = stepsOf(preview);
        // pulumi/actions without a command only installs the CLI the Automation API drives.
        const cli = steps.findIndex((s) => String(s.uses).startsWith("pulumi/actions@"));
        expect(steps[cli].with).toBeUndefined();
        const comment = steps.findIndex((s) => String(s.run ?? "").includes("npm run --silent preview-comment --"));
        expect(comment).toBeGreaterThan(cli);
        expect(steps[comment].run.replace(/\s+/g, " ")).toBe(
            "npm run --silent preview-comment -- --stack ${{ matrix.stack }} --refresh --post --policy-pack policy --policy-pack-config policy/config/${{ matrix.stack }}.json --out preview-${{ matrix.stack }}.md",
        );
        expect(steps[comment].env).toMatchObject({ GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" });
        // OIDC: the federated credential needs no client secret, anywhere.
        expect(preview.env).toMatchObject({ ARM_USE_OIDC: "true", ARM_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}" });
        for (const file of files) expect(fs.readFileSync(path.join(dir, file), "utf8")).not.toMatch(/client-secret|CLIENT_SECRET/i);
    });

    it("promotes on push to main: tests, up dev + smoke, then the prod environment's approval, up prod + smoke", () => {
        const promote = load("promote.yml");
        expect(promote.on.push.branches).toEqual(["main"]);
        expect(promote.jobs.dev).toMatchObject({ needs: "test", uses: "./.github/workflows/deploy-stack.yml", with: { stack: "dev" } });
        expect(promote.jobs.prod).toMatchObject({ needs: ["dev", "registry"], uses: "./.github/workflows/deploy-stack.yml", with: { stack: "prod" } });
        // The promotion job runs the project's command and nothing else of its own.
        expect(stepsOf(promote.jobs.registry).map((s) => s.run).filter(Boolean)).toEqual(["npm ci", 'npm run promote -- --model "${{ inputs.model }}" --from dev --to prod']);

        const deploy = load("deploy-stack.yml").jobs.deploy;
        expect(deploy.environment).toBe("${{ inputs.stack }}");
        expect(deploy.concurrency).toEqual({ group: "pulumi-${{ inputs.stack }}", "cancel-in-progress": false });
        const steps = stepsOf(deploy);
        const up = steps.findIndex((s) => String(s.uses).startsWith("pulumi/actions@") && s.with.command === "up");
        const smoke = steps.findIndex((s) => String(s.run ?? "").includes("npm run --silent smoke -- --stack"));
        const artifact = steps.findIndex((s) => String(s.uses).startsWith("actions/upload-artifact@"));
        const summary = steps.findIndex((s) => String(s.run ?? "").includes("GITHUB_STEP_SUMMARY"));
        expect(up).toBeGreaterThan(0);
        expect(smoke).toBeGreaterThan(up);
        expect(summary).toBeGreaterThan(smoke);
        expect(artifact).toBeGreaterThan(smoke);
        expect(steps[up].with.policyPackConfigs).toBe("policy/config/${{ inputs.stack }}.json");
        // No secret passes through the shell: the CLI fetches the endpoint's credential itself.
        expect(steps[smoke].run).not.toContain("--show-secrets");
    });

    it("runs the README's set-up and test commands", () => {
        const readme = fs.readFileSync(path.join(projectDir, "README.md"), "utf8");
        const workflow = load("preview.yml");
        for (const command of stepsOf(workflow.jobs.test).map((s) => s.run).filter(Boolean)) {
            expect(readme).toContain(command);
        }
    });
});
