import * as http from "http";
import { azureCredential, cachingCredential, githubOidcToken } from "../../runtime/azure/credential";
import { FakeClock } from "../support/fakes";
import { LoopbackServer, sendJson } from "../support/loopbackServer";

/** Stands in for GitHub's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL). */
class FakeGithubOidc extends LoopbackServer {
    readonly requests: { url: string; authorization?: string }[] = [];
    protected handle(req: http.IncomingMessage, _body: string, res: http.ServerResponse): void {
        this.requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
        if (req.headers.authorization !== "bearer runtime-token") return sendJson(res, 401, { message: "Bad credentials" });
        sendJson(res, 200, { value: `github-oidc-${this.requests.length}` });
    }
}

describe("Azure credential for the platform's own calls", () => {
    it("reuses a token per scope until two minutes before it expires", async () => {
        const clock = new FakeClock();
        let calls = 0;
        const inner = { getToken: async () => ({ token: `t${++calls}`, expiresOnTimestamp: clock.now() + 600_000 }) };
        const cached = cachingCredential(inner, "test", clock);
        expect((await cached.getToken("https://ml.azure.com/.default"))!.token).toBe("t1");
        expect((await cached.getToken("https://ml.azure.com/.default"))!.token).toBe("t1");
        expect((await cached.getToken("https://management.azure.com/.default"))!.token).toBe("t2");
        await clock.sleep(481_000);
        expect((await cached.getToken("https://ml.azure.com/.default"))!.token).toBe("t3");
    });

    it("asks GitHub for a fresh OIDC token with Entra's token-exchange audience", async () => {
        const github = await new FakeGithubOidc().start();
        try {
            const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${github.url}/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runtime-token" };
            expect(await githubOidcToken(env)).toBe("github-oidc-1");
            expect(await githubOidcToken(env)).toBe("github-oidc-2");
            const url = new URL(github.requests[0].url, github.url);
            expect(url.searchParams.get("audience")).toBe("api://AzureADTokenExchange");
            expect(url.searchParams.get("api-version")).toBe("2.0");
            await expect(githubOidcToken({ ...env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "wrong" })).rejects.toThrow(
                "GitHub did not issue an OIDC token (HTTP 401); does the job have permissions: id-token: write?",
            );
        } finally {
            await github.stop();
        }
    });

    it("uses the federated GitHub credential in GitHub Actions with OIDC, DefaultAzureCredential elsewhere", () => {
        const actions = {
            ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:1/token",
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runtime-token",
            ARM_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
            ARM_TENANT_ID: "00000000-0000-0000-0000-000000000002",
        };
        expect(azureCredential(actions).label).toBe("GitHub Actions OIDC (federated credential)");
        expect(azureCredential({ ...actions, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }).label).toBe("DefaultAzureCredential");
        expect(azureCredential({}).label).toBe("DefaultAzureCredential");
    });
});
