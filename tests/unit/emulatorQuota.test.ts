import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ArmServer } from "../../emulator/arm/armServer";
import { RegionalQuota, committedQuotaFile } from "../../emulator/quota/regionalQuota";
import { ArmClient } from "../../runtime/arm/armClient";
import { FixedCredential } from "../support/fakes";

/** The local Azure's regional quota: Azure ML's usages and vmSizes answers, and the refusal of a deployment over quota. */
const token = "emulator-token";
const subscription = "/subscriptions/s1";
const rg = `${subscription}/resourceGroups/rg-test`;
const ws = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws`;
const endpoint = `${ws}/onlineEndpoints/diabetes`;
const usagesPath = `${subscription}/providers/Microsoft.MachineLearningServices/locations/westeurope/usages`;

let arm: ArmServer;
let client: ArmClient;
let dir: string;
let quotaFile: string;

const deployment = (instances: number, instanceType = "Standard_DS3_v2") => ({
    location: "westeurope",
    sku: { name: "Default", capacity: instances },
    properties: { endpointComputeType: "Managed", instanceType, model: "" },
});

/** The fixture with the DSv2 family's limit (others' use 8 of it), and other limits by usage name. */
function writeFixture(dsv2Limit: number, limits: Record<string, number> = {}): void {
    const committed = JSON.parse(fs.readFileSync(committedQuotaFile, "utf8"));
    Object.assign(committed.default.dedicated, { standardDSv2Family: dsv2Limit, ...limits });
    fs.writeFileSync(quotaFile, JSON.stringify(committed));
}

/** Until the resource's operation has ended. */
async function settled(id: string): Promise<void> {
    while (arm.resource(id)?.provisioningState !== "Succeeded") await new Promise((r) => setTimeout(r, 10));
}

beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-quota-"));
    quotaFile = path.join(dir, "quota.json");
    writeFixture(20);
    arm = await new ArmServer({ token, storageDir: dir, quota: new RegionalQuota(quotaFile) }).start();
    client = new ArmClient({ baseUrl: arm.url, scope: "https://management.azure.com/.default", credential: new FixedCredential(token), apiVersion: "2024-04-01", timeoutMs: 30_000, pollIntervalMs: 10, retryBaseMs: 10 });
    arm.seed(rg, { location: "westeurope" });
    arm.seed(ws, { location: "westeurope", properties: {} });
    arm.seed(endpoint, { location: "westeurope", kind: "Managed", properties: { authMode: "Key", traffic: {} } });
});
afterEach(async () => {
    await arm.stop();
    fs.rmSync(dir, { recursive: true, force: true });
});

async function put(id: string, body: unknown) {
    const response = await fetch(`${arm.url}${id}?api-version=2025-12-01`, { method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
}

const dsv2 = async () => ((await client.get(usagesPath)).value as any[]).find((u) => u.name.value === "standardDSv2Family" && u.type.endsWith("dedicatedCores/usages"));

it("answers usages in Azure ML's recorded shape: the regional totals and every family's dedicated and low-priority quota", async () => {
    const usages = (await client.get(usagesPath)).value as any[];
    expect(usages[0]).toEqual({
        id: "/subscriptions/s1",
        type: "Microsoft.MachineLearningServices/totalDedicatedCores/usages",
        unit: "Count",
        currentValue: 8,
        limit: 100,
        name: { value: "TotalDedicatedCores", localizedValue: "Total Cluster Dedicated Regional vCPUs" },
    });
    expect(await dsv2()).toEqual({
        id: "/subscriptions/s1/usages/standardDSv2Family",
        type: "Microsoft.MachineLearningServices/vmFamily/dedicatedCores/usages",
        unit: "Count",
        currentValue: 8,
        limit: 20,
        name: { value: "standardDSv2Family", localizedValue: "Standard DSv2 Family Cluster Dedicated vCPUs" },
    });
    const sizes = (await client.get(`${subscription}/providers/Microsoft.MachineLearningServices/locations/westeurope/vmSizes`)).value as any[];
    expect(sizes.find((s) => s.name === "Standard_DS3_v2")).toMatchObject({ family: "standardDSv2Family", vCPUs: 4 });
});

it("refuses a deployment over the family's quota with Azure's message, and takes it once the fixture's limit is raised", async () => {
    // 3 x DS3_v2 holds ceil(3.6) x 4 = 16 vCPUs; 8 are in use of 20.
    const refused = await put(`${endpoint}/deployments/blue`, deployment(3));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("BadRequest");
    expect(refused.body.error.message).toBe("The request is invalid.");
    expect(refused.body.error.details[0].code).toBe("InferencingClientCreateDeploymentFailed");
    expect(refused.body.error.details[0].message).toContain("Not enough quota available for Standard_DS3_v2 in SubscriptionId s1. Current usage/limit: 8/20. Additional needed: 16 Please see troubleshooting guide");
    expect(arm.resource(`${endpoint}/deployments/blue`)).toBeUndefined();
    // The platform's client shows the reason under Azure's generic message.
    await expect(client.putAndWait(`${endpoint}/deployments/blue`, deployment(3))).rejects.toThrow(/The request is invalid\. \(InferencingClientCreateDeploymentFailed: .*Current usage\/limit: 8\/20\. Additional needed: 16/);

    writeFixture(24);
    expect((await put(`${endpoint}/deployments/blue`, deployment(3))).status).toBe(201);
    await settled(`${endpoint}/deployments/blue`);
    expect(await dsv2()).toMatchObject({ currentValue: 24, limit: 24 });
    // Growing to 4 instances needs 4 more (5 x 4 = 20 held instead of 16): refused at 24/24.
    const grow = await put(`${endpoint}/deployments/blue`, deployment(4));
    expect(grow.body.error.details[0].message).toContain("Current usage/limit: 24/24. Additional needed: 4");
    // Shrinking needs nothing more.
    expect((await put(`${endpoint}/deployments/blue`, deployment(2))).status).toBe(200);
});

it("counts a deployment moving to another VM family whole against the new family's quota", async () => {
    writeFixture(64, { standardFSv2Family: 12 });
    expect((await put(`${endpoint}/deployments/blue`, deployment(3))).status).toBe(201);
    await settled(`${endpoint}/deployments/blue`);
    // 3 x F4s_v2 needs 16 of FSv2's 12; the 16 DSv2 vCPUs it holds are another family's.
    const moved = await put(`${endpoint}/deployments/blue`, deployment(3, "Standard_F4s_v2"));
    expect(moved.status).toBe(400);
    expect(moved.body.error.details[0].message).toContain("Not enough quota available for Standard_F4s_v2 in SubscriptionId s1. Current usage/limit: 0/12. Additional needed: 16");
});

it("takes a limit of -1 as no limit of its own", async () => {
    writeFixture(-1);
    expect((await put(`${endpoint}/deployments/blue`, deployment(3))).status).toBe(201);
});
