import * as fs from "fs";
import * as path from "path";

/**
 * Lists of what Azure offers (regions per cloud, VM sizes for compute clusters, instance types for
 * managed online endpoints), committed as data with their source and date. Azure refuses an
 * unknown region or size only at the step that uses it, after the workspace, storage and key vault
 * exist; checking first keeps a typo from leaving a half-built stack. How to refresh them:
 * config/azureCatalog/README.md.
 */
export interface CatalogList<T> {
    /** Where the list was taken from (URL or repository and path). */
    readonly source: string;
    /** The date of that source's version. */
    readonly retrieved: string;
    /** The command that regenerates it. */
    readonly refresh: string;
    readonly items: T;
}

export type AzureCloud = "public" | "usgovernment" | "china";

export interface AzureCatalog {
    readonly regions: CatalogList<Record<AzureCloud, string[]>>;
    readonly computeVmSizes: CatalogList<string[]>;
    readonly onlineEndpointSkus: CatalogList<string[]>;
    /** Regions where Azure Databricks offers Model Serving. */
    readonly databricksServingRegions: CatalogList<string[]>;
}

const committed = new Map<string, unknown>();

/** A committed data file of this folder, parsed once per process (the files do not change under it). */
export function committedData<T>(file: string): T {
    if (!committed.has(file)) committed.set(file, JSON.parse(fs.readFileSync(path.join(__dirname, file), "utf8")));
    return committed.get(file) as T;
}

/** The committed lists. */
export function azureCatalog(): AzureCatalog {
    return {
        regions: committedData("regions.json"),
        computeVmSizes: committedData("computeVmSizes.json"),
        onlineEndpointSkus: committedData("onlineEndpointSkus.json"),
        databricksServingRegions: committedData("databricksServingRegions.json"),
    };
}
