import * as http from "http";
import { ArmClient } from "../../runtime/arm/armClient";
import { FixedCredential } from "../support/fakes";
import { LoopbackServer, sendJson } from "../support/loopbackServer";

/** A Resource Manager list answered in pages, as Azure pages usages and deployments. */
class PagedList extends LoopbackServer {
    nextLinkHost = "";
    readonly seen: { path: string; authorization?: string }[] = [];
    protected handle(req: http.IncomingMessage, _body: string, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", this.url);
        this.seen.push({ path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
        const page = Number(url.searchParams.get("page") ?? 1);
        const host = this.nextLinkHost || this.url;
        sendJson(res, 200, { value: [{ name: `item-${page}` }], nextLink: page < 3 ? `${host}/subscriptions/s/items?api-version=2024-04-01&page=${page + 1}` : undefined });
    }
}

const client = (server: PagedList) =>
    new ArmClient({ baseUrl: server.url, scope: "https://management.azure.com/.default", credential: new FixedCredential("t"), apiVersion: "2024-04-01", timeoutMs: 10_000, retryBaseMs: 10 });

describe("ArmClient.list", () => {
    let server: PagedList;
    beforeEach(async () => (server = await new PagedList().start()));
    afterEach(() => server.stop());

    it("follows nextLink to the last page", async () => {
        expect(await client(server).list("/subscriptions/s/items")).toEqual([{ name: "item-1" }, { name: "item-2" }, { name: "item-3" }]);
        expect(server.seen.map((s) => s.path)).toEqual([
            "/subscriptions/s/items?api-version=2024-04-01",
            "/subscriptions/s/items?api-version=2024-04-01&page=2",
            "/subscriptions/s/items?api-version=2024-04-01&page=3",
        ]);
    });

    it("refuses a nextLink off its Resource Manager: the token goes nowhere else", async () => {
        server.nextLinkHost = "http://127.0.0.2:9";
        await expect(client(server).list("/subscriptions/s/items")).rejects.toThrow(`refusing to follow a nextLink off ${server.url}`);
        expect(server.seen).toHaveLength(1);
    });
});
