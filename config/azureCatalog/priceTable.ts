import { committedData } from "./catalog";

/** Azure's pricing pages and calculator count a month as 730 hours. */
export const hoursPerMonth = 730;

/** One VM size's pay-as-you-go hourly price in a region: Linux dedicated, and low priority (Azure ML clusters). */
export interface VmPrice {
    readonly linux: number;
    readonly lowPriority?: number | null;
}

/**
 * Pay-as-you-go list prices per region (ARM names, lower case) and SKU, committed with their
 * source, date and refresh command (`npm run prices:refresh`, scripts/refresh-prices.ts), read by
 * the preflight's cost estimate. Online deployments are billed as their VM's Linux price; Azure
 * ML adds no charge of its own.
 */
export interface PriceTable {
    readonly source: string;
    readonly retrieved: string;
    readonly refresh: string;
    readonly currency: string;
    /** Hourly, by region and VM size. */
    readonly vm: Readonly<Record<string, Readonly<Record<string, VmPrice>>>>;
    /** Daily, by region and container registry SKU (Basic, Standard, Premium). */
    readonly containerRegistry: Readonly<Record<string, Readonly<Record<string, number>>>>;
    /** Where each region's prices came from, and as of when. */
    readonly regionSources?: Readonly<Record<string, unknown>>;
}

/** The committed table. */
export function priceTable(): PriceTable {
    return committedData<PriceTable>("prices.json");
}
