import * as fs from "fs";
import * as path from "path";
import { azureCatalog } from "../../config/azureCatalog/catalog";
import { PriceTable, VmPrice } from "../../config/azureCatalog/priceTable";
import { registryPrices, retailPrices, retailPricesUrl, vmPrices } from "./retailPrices";

export const pricesFile = (projectDir: string) => path.join(projectDir, "config", "azureCatalog", "prices.json");

/**
 * The price table with the given regions read again from the Retail Prices API: every VM size the
 * catalog lists (online endpoint instance types and compute VM sizes) at its Linux and
 * low-priority price, and the container registry units; the table's other regions are kept as they
 * were, with their sources. Sizes the API has no Linux price for in a region are left out. Returns
 * the table; the caller writes it.
 */
export async function refreshPrices(projectDir: string, regions: readonly string[], env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<PriceTable> {
    const catalog = azureCatalog();
    const sizes = new Set([...catalog.onlineEndpointSkus.items, ...catalog.computeVmSizes.items]);
    const vm: Record<string, Record<string, VmPrice>> = {};
    const containerRegistry: Record<string, Record<string, number>> = {};
    for (const region of regions) {
        const all = vmPrices(await retailPrices(`serviceName eq 'Virtual Machines' and armRegionName eq '${region}' and priceType eq 'Consumption'`, env));
        vm[region] = Object.fromEntries(
            Object.entries(all)
                .filter(([sku, price]) => sizes.has(sku) && price.linux !== undefined)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([sku, price]) => [sku, { linux: price.linux!, ...(price.lowPriority !== undefined && { lowPriority: price.lowPriority }) }]),
        );
        containerRegistry[region] = registryPrices(await retailPrices(`serviceName eq 'Container Registry' and armRegionName eq '${region}' and priceType eq 'Consumption'`, env));
        progress(`${region}: ${Object.keys(vm[region]).length} VM sizes, container registry ${JSON.stringify(containerRegistry[region])}`);
    }
    const previous = JSON.parse(fs.readFileSync(pricesFile(projectDir), "utf8")) as PriceTable;
    const retrieved = new Date().toISOString().slice(0, 10);
    const refreshed = `Azure Retail Prices API (${retailPricesUrl(env)}, api-version 2023-01-01-preview), priceType Consumption, USD: Linux rows (productName not ending ' Windows'/' Win', no Cloud Services, Dedicated Host or promo products; meterName not ' Spot', not 'Expired'), ' Low Priority' meters, and the 'Basic|Standard|Premium Registry Unit' meters per day; npm run prices:refresh`;
    const sorted = <T>(map: Record<string, T>) => Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
    return {
        ...previous,
        source: regions.length === Object.keys({ ...previous.vm, ...vm }).length ? refreshed : `${previous.source} Refreshed ${retrieved} (${regions.join(", ")}): ${refreshed}.`,
        retrieved,
        vm: sorted({ ...previous.vm, ...vm }),
        containerRegistry: sorted({ ...previous.containerRegistry, ...containerRegistry }),
        regionSources: sorted({ ...previous.regionSources, ...Object.fromEntries(regions.map((r) => [r, { linux: refreshed, lowPriority: refreshed, asOf: retrieved }])) }),
    };
}
