import * as http from "http";
import { priceTable } from "../../config/azureCatalog/priceTable";
import { refreshPrices } from "../../tools/prices/refreshPrices";
import { RetailPrice, vmPrices } from "../../tools/prices/retailPrices";
import { LoopbackServer, sendJson } from "../support/loopbackServer";
import { projectDir } from "../support/stackFile";

/**
 * Items the Retail Prices API answers for westeurope (recorded in andy-diericks/azure-pricing-radar@cf741f25
 * data/latest/vm-eu-west.json, 2026-08-20; armSkuName added as the API sends it): for one size,
 * the Linux, Low Priority and Spot meters, the Windows product's, a promo product's expired meter,
 * and a Cloud Services product that shares the armSkuName.
 */
const recorded: RetailPrice[] = [
    { armRegionName: "westeurope", armSkuName: "Standard_DS2_v2", meterName: "DS2 v2 - Expired", productName: "Virtual Machines DSv2 promo Series Windows", retailPrice: 0.266, unitOfMeasure: "1 Hour", type: "Consumption" },
    { armRegionName: "westeurope", armSkuName: "Standard_DS2_v2", meterName: "DS2 v2", productName: "Virtual Machines DSv2 Series", retailPrice: 0.136, unitOfMeasure: "1 Hour", type: "Consumption" },
    { armRegionName: "westeurope", armSkuName: "Standard_DS2_v2", meterName: "DS2 v2 Low Priority", productName: "Virtual Machines DSv2 Series", retailPrice: 0.027, unitOfMeasure: "1 Hour", type: "Consumption" },
    { armRegionName: "westeurope", armSkuName: "Standard_DS2_v2", meterName: "DS2 v2 Spot", productName: "Virtual Machines DSv2 Series", retailPrice: 0.025133, unitOfMeasure: "1 Hour", type: "Consumption" },
    { armRegionName: "westeurope", armSkuName: "Standard_DS2_v2", meterName: "DS2 v2", productName: "Virtual Machines DSv2 Series Windows", retailPrice: 0.266, unitOfMeasure: "1 Hour", type: "Consumption" },
    { armRegionName: "westeurope", armSkuName: "Standard_DS2_v2", meterName: "DS2 v2 Low Priority", productName: "Virtual Machines DSv2 Series Windows", retailPrice: 0.107, unitOfMeasure: "1 Hour", type: "Consumption" },
    { armRegionName: "westeurope", armSkuName: "Standard_E4ads_v5", meterName: "E4ads v5", productName: "Eadsv5 Series CloudServices", retailPrice: 0.5, unitOfMeasure: "1 Hour", type: "Consumption" },
    { armRegionName: "westeurope", armSkuName: "Standard_E4ads_v5", meterName: "E4ads v5", productName: "Virtual Machines Eadsv5 Series", retailPrice: 0.316, unitOfMeasure: "1 Hour", type: "Consumption" },
    { armRegionName: "westeurope", armSkuName: "Standard_E4ads_v5", meterName: "E4ads v5 Low Priority", productName: "Virtual Machines Eadsv5 Series", retailPrice: 0.0632, unitOfMeasure: "1 Hour", type: "Consumption" },
];
const registry: RetailPrice[] = ["Basic", "Standard", "Premium"].map((sku, i) => ({
    armRegionName: "westeurope",
    meterName: `${sku} Registry Unit`,
    productName: "Container Registry",
    retailPrice: [0.1666, 0.6666, 1.6666][i],
    unitOfMeasure: "1/Day",
    type: "Consumption",
}));

/** The Retail Prices API on 127.0.0.1, two items a page, with NextPageLink as the API pages. */
class FakeRetailPrices extends LoopbackServer {
    readonly filters: string[] = [];
    protected handle(req: http.IncomingMessage, _body: string, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", this.url);
        const filter = url.searchParams.get("$filter") ?? "";
        this.filters.push(filter);
        const items = filter.includes("'Container Registry'") ? registry : recorded;
        const skip = Number(url.searchParams.get("$skip") ?? 0);
        const next = skip + 2 < items.length ? `${this.url}/api/retail/prices?api-version=2023-01-01-preview&$filter=${encodeURIComponent(filter)}&$skip=${skip + 2}` : null;
        sendJson(res, 200, { BillingCurrency: "USD", Items: items.slice(skip, skip + 2), NextPageLink: next });
    }
}

describe("the price table's refresh from the Retail Prices API", () => {
    it("keeps the Linux and Low Priority meters, not Windows, Spot, expired promo or Cloud Services rows", () => {
        expect(vmPrices(recorded)).toEqual({ Standard_DS2_v2: { linux: 0.136, lowPriority: 0.027 }, Standard_E4ads_v5: { linux: 0.316, lowPriority: 0.0632 } });
    });

    it("reads every page of a region and writes the table with today's date", async () => {
        const api = await new FakeRetailPrices().start();
        try {
            const table = await refreshPrices(projectDir, ["westeurope"], { AZURE_RETAIL_PRICES_URL: `${api.url}/api/retail/prices` }, () => undefined);
            expect(table.vm.westeurope).toEqual({ Standard_DS2_v2: { linux: 0.136, lowPriority: 0.027 }, Standard_E4ads_v5: { linux: 0.316, lowPriority: 0.0632 } });
            expect(table.containerRegistry.westeurope).toEqual({ Basic: 0.1666, Standard: 0.6666, Premium: 1.6666 });
            // The regions not asked for stay as they were, with their sources.
            const committed = priceTable();
            expect(Object.keys(table.vm)).toEqual(Object.keys(committed.vm).sort());
            expect(table.vm.eastus).toEqual(committed.vm.eastus);
            expect((table.regionSources as Record<string, unknown>).eastus).toEqual((committed.regionSources as Record<string, unknown>).eastus);
            expect(JSON.stringify((table.regionSources as Record<string, unknown>).westeurope)).toContain("npm run prices:refresh");
            expect(table.retrieved).toBe(new Date().toISOString().slice(0, 10));
            expect(api.filters).toContain("serviceName eq 'Virtual Machines' and armRegionName eq 'westeurope' and priceType eq 'Consumption'");
            // 9 items at 2 a page: 5 pages, then 2 for the registry.
            expect(api.filters.length).toBe(7);
        } finally {
            await api.stop();
        }
    });
});
