import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { PreviewResult, engineFailure } from "../../tools/previewComment/enginePreview";
import { commentMarker, previewComment } from "../../tools/previewComment/markdown";
import { pullRequestFromActions, upsertComment } from "../../tools/previewComment/pullRequestComment";
import { runPreviewCommentCli } from "../../tools/previewComment/cli";
import { projectDir } from "../support/stackFile";
import { LoopbackServer, sendJson } from "../support/loopbackServer";

/** GitHub's issue comments API for one pull request, on 127.0.0.1. */
class FakeGitHub extends LoopbackServer {
    readonly comments: { id: number; body: string; user: { login: string; type: string } }[] = [];
    readonly requests: { method: string; path: string; authorization?: string }[] = [];

    protected handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", this.url);
        this.requests.push({ method: req.method!, path: url.pathname, authorization: req.headers.authorization });
        const html = (id: number) => `https://github.com/o/r/pull/7#issuecomment-${id}`;
        if (req.method === "GET" && url.pathname === "/repos/o/r/issues/7/comments") {
            const page = Number(url.searchParams.get("page") ?? 1);
            const size = Number(url.searchParams.get("per_page") ?? 30);
            return sendJson(res, 200, this.comments.slice((page - 1) * size, page * size).map((c) => ({ ...c, html_url: html(c.id) })));
        }
        if (req.method === "POST" && url.pathname === "/repos/o/r/issues/7/comments") {
            const comment = { id: 1000 + this.comments.length, body: JSON.parse(body).body, user: { login: "github-actions[bot]", type: "Bot" } };
            this.comments.push(comment);
            return sendJson(res, 201, { ...comment, html_url: html(comment.id) });
        }
        const patch = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname);
        if (req.method === "PATCH" && patch) {
            const comment = this.comments.find((c) => c.id === Number(patch[1]))!;
            comment.body = JSON.parse(body).body;
            return sendJson(res, 200, { ...comment, html_url: html(comment.id) });
        }
        sendJson(res, 404, { message: "Not Found" });
    }
}

const result = (over: Partial<PreviewResult> = {}): PreviewResult => ({
    stack: "dev",
    steps: [{ op: "create", type: "azure-native:machinelearningservices:OnlineDeployment", name: "online-diabetes-canary", keys: [] }],
    unchanged: 47,
    policies: [],
    seconds: 3.2,
    ...over,
});

describe("the PR comment", () => {
    it("starts with the stack's marker and sums up the engine's steps", () => {
        const markdown = previewComment(result());
        expect(markdown.split("\n")[0]).toBe(commentMarker("dev"));
        expect(markdown).toContain("**1 to create · 0 to update · 0 to replace · 0 to delete** · 47 unchanged");
        expect(markdown).toContain("| `+` | online-diabetes-canary | `azure-native:machinelearningservices:OnlineDeployment` |  |");
    });

    it("says a failed preview cannot be deployed, with the engine's words, in a code block", () => {
        const markdown = previewComment(result({ failure: "error: Pulumi.dev.yaml: the preflight found 1 problem | quota" }));
        expect(markdown).toContain("**The preview failed**: this change cannot be deployed as it is.\n\n```\nerror: Pulumi.dev.yaml: the preflight found 1 problem | quota\n```");
        expect(markdown).toContain("_The preview stopped before the engine planned the changes; it had planned 1._");
    });

    it("does not show the subscription Azure's quota message names", () => {
        const markdown = previewComment(result({ failure: "Not enough quota available for Standard_DS3_v2 in SubscriptionId 0e745469-49f8-48c9-873b-24ca87143db1. Current usage/limit: 0/6." }));
        expect(markdown).toContain("in SubscriptionId <the deploying subscription>. Current usage/limit: 0/6.");
        expect(markdown).not.toContain("0e745469");
    });

    it("lists policy violations in a table, escaping the cell separator", () => {
        const markdown = previewComment(result({ policies: [{ policy: "prod-protected", level: "mandatory", message: "a | b" }] }));
        expect(markdown).toContain("| mandatory | prod-protected | a \\| b |");
    });
});

describe("a failed preview's errors", () => {
    // The engine's output of a preview the preflight stopped (npm run preview-comment -- --stack prod --local, green at 10 instances).
    const stdout = [
        "Previewing update (prod):",
        "    pulumi:pulumi:Stack azureml-mlflow-prod  warning: using pulumi-resource-random from $PATH at /work/main/emulator/bin/pulumi-resource-random",
        "    pulumi:pulumi:Stack azureml-mlflow-prod running error: Pulumi.prod.yaml: the preflight found 1 problem Azure would fail the update on; nothing was changed:",
        "Diagnostics:",
        "  pulumi:pulumi:Stack (azureml-mlflow-prod):",
        "    warning: using pulumi-resource-random from $PATH at /work/main/emulator/bin/pulumi-resource-random",
        "    preflight of Pulumi.prod.yaml (westeurope):",
        "      quota Standard DSv2 Family Cluster Dedicated vCPUs: 40 in use + 32 for this update = 72 of 64",
        "    error: Pulumi.prod.yaml: the preflight found 1 problem Azure would fail the update on; nothing was changed:",
        '      - error (quota) onlineEndpoint.deployments[1].instanceCount = 10: ... "Current usage/limit: 40/64. Additional needed: 32 ..."',
        "    error: Pulumi.prod.yaml: the preflight found 1 problem Azure would fail the update on; nothing was changed:",
        '      - error (quota) onlineEndpoint.deployments[1].instanceCount = 10: ... "Current usage/limit: 40/64. Additional needed: 32 ..."',
        "",
        "Resources:",
    ].join("\n");

    it("are the Diagnostics' error entries with their lines, once each, without progress and plugin warnings", () => {
        expect(engineFailure(Object.assign(new Error("failed"), { stdout }))).toBe(
            'Pulumi.prod.yaml: the preflight found 1 problem Azure would fail the update on; nothing was changed:\n  - error (quota) onlineEndpoint.deployments[1].instanceCount = 10: ... "Current usage/limit: 40/64. Additional needed: 32 ..."',
        );
    });

    it("fall back to the last lines of what the engine said when it listed no error", () => {
        expect(engineFailure(Object.assign(new Error("x"), { stdout: "no diagnostics", stderr: "error: could not load plugin\n" }))).toBe("error: could not load plugin");
    });
});

describe("posting it on the pull request", () => {
    let github: FakeGitHub;
    beforeEach(async () => (github = await new FakeGitHub().start()));
    afterEach(() => github.stop());

    it("creates the stack's comment once, then updates it in place, leaving other comments alone (a person's starting with the marker too)", async () => {
        const target = { apiUrl: github.url, repository: "o/r", pullRequest: 7, token: "ghs_secret" };
        const bot = { login: "github-actions[bot]", type: "Bot" };
        const person = { login: "mallory", type: "User" };
        github.comments.push({ id: 1, body: `${commentMarker("dev")}\nnot the bot's`, user: person }, { id: 2, body: `${commentMarker("prod")}\nprod's`, user: bot });
        const first = await upsertComment(target, commentMarker("dev"), `${commentMarker("dev")}\nfirst`);
        expect(first).toEqual({ url: "https://github.com/o/r/pull/7#issuecomment-1002", updated: false });
        const second = await upsertComment(target, commentMarker("dev"), `${commentMarker("dev")}\nsecond`);
        expect(second.updated).toBe(true);
        expect(github.comments.map((c) => c.body)).toEqual([`${commentMarker("dev")}\nnot the bot's`, `${commentMarker("prod")}\nprod's`, `${commentMarker("dev")}\nsecond`]);
        expect(new Set(github.requests.map((r) => r.authorization))).toEqual(new Set(["Bearer ghs_secret"]));
    });

    it("reads the pull request from the GitHub Actions environment, and says what is missing outside it", () => {
        const event = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-event-")), "event.json");
        fs.writeFileSync(event, JSON.stringify({ pull_request: { number: 42 } }));
        expect(pullRequestFromActions({ GITHUB_API_URL: "https://api.github.com/", GITHUB_REPOSITORY: "o/r", GITHUB_EVENT_PATH: event, GITHUB_TOKEN: "t" })).toEqual({
            apiUrl: "https://api.github.com",
            repository: "o/r",
            pullRequest: 42,
            token: "t",
        });
        expect(() => pullRequestFromActions({ GITHUB_REPOSITORY: "o/r" })).toThrow("--post needs the GitHub Actions environment; missing GITHUB_API_URL, GITHUB_EVENT_PATH, GITHUB_TOKEN");
    });
});

describe("npm run preview-comment's arguments", () => {
    const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
        const err: string[] = [];
        const code = await runPreviewCommentCli(argv, env, { stdout: () => undefined, stderr: (t) => err.push(t) }, projectDir);
        return { code, stderr: err.join("") };
    };

    it("needs a stack that has a stack file, and says so with the usage", async () => {
        expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining("--stack is required") });
        expect(await run(["--stack", "staging"])).toMatchObject({ code: 2, stderr: expect.stringContaining(`there is no Pulumi.staging.yaml in ${projectDir}`) });
        expect((await run(["--stack", "dev", "--colour"])).stderr).toContain("Usage: npm run preview-comment");
    });

    it("refuses to post outside GitHub Actions before previewing anything", async () => {
        expect(await run(["--stack", "dev", "--post"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--post needs the GitHub Actions environment") });
    });
});
