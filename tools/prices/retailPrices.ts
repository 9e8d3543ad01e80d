import axios from "axios";

/** One item of the Azure Retail Prices API (https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices). */
export interface RetailPrice {
    readonly armRegionName: string;
    readonly armSkuName?: string;
    readonly meterName: string;
    readonly productName: string;
    readonly skuName?: string;
    readonly retailPrice: number;
    readonly unitOfMeasure: string;
    readonly type?: string;
}

/** The public, unauthenticated API; `AZURE_RETAIL_PRICES_URL` points elsewhere (a test's server on 127.0.0.1). */
export const retailPricesUrl = (env: NodeJS.ProcessEnv = process.env) => env.AZURE_RETAIL_PRICES_URL?.replace(/\/+$/, "") || "https://prices.azure.com/api/retail/prices";

/** Every item the filter matches, following `NextPageLink` page by page. */
export async function retailPrices(filter: string, env: NodeJS.ProcessEnv = process.env): Promise<RetailPrice[]> {
    const items: RetailPrice[] = [];
    let next: string | null | undefined = `${retailPricesUrl(env)}?api-version=2023-01-01-preview&$filter=${encodeURIComponent(filter)}`;
    while (next) {
        const page: { Items?: RetailPrice[]; NextPageLink?: string | null } = (await axios.get(next, { timeout: 60_000 })).data;
        items.push(...(page.Items ?? []));
        next = page.NextPageLink;
    }
    return items;
}

/** A Linux product: not a Windows one, nor Cloud Services, Dedicated Host or promo products that share the armSkuName. */
function linuxProduct(item: RetailPrice): boolean {
    return !/ (Windows|Win)$/.test(item.productName) && !/Cloud ?Services|Dedicated ?Host|promo/i.test(item.productName);
}

/**
 * The hourly Linux pay-as-you-go and low-priority price of each VM size in a region's items:
 * Linux rows are those of `linuxProduct`, per hour, without Spot, Low Priority or Expired meters;
 * low priority rows end their meter name " Low Priority".
 */
export function vmPrices(items: readonly RetailPrice[]): Record<string, { linux?: number; lowPriority?: number }> {
    const prices: Record<string, { linux?: number; lowPriority?: number }> = {};
    for (const item of items) {
        if (!item.armSkuName || item.unitOfMeasure !== "1 Hour" || (item.type && item.type !== "Consumption") || !linuxProduct(item) || /Expired/.test(item.meterName)) continue;
        const entry = (prices[item.armSkuName] ??= {});
        if (/ Low Priority$/.test(item.meterName)) entry.lowPriority = item.retailPrice;
        else if (!/ Spot$/.test(item.meterName)) entry.linux = item.retailPrice;
    }
    return prices;
}

/** The container registry's daily price per SKU (meters "Basic|Standard|Premium Registry Unit", per day). */
export function registryPrices(items: readonly RetailPrice[]): Record<string, number> {
    const prices: Record<string, number> = {};
    for (const item of items) {
        const sku = /^(Basic|Standard|Premium) Registry Unit$/.exec(item.meterName)?.[1];
        if (sku && item.unitOfMeasure === "1/Day") prices[sku] = item.retailPrice;
    }
    return prices;
}
