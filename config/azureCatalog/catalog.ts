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

function readList<T>(file: string): CatalogList<T> {
    return JSON.parse(fs.readFileSync(path.join(__dirname, file), "utf8")) as CatalogList<T>;
}

let loaded: AzureCatalog | undefined;

/** The committed lists, read once. */
export function azureCatalog(): AzureCatalog {
    loaded ??= {
        regions: readList("regions.json"),
        computeVmSizes: readList("computeVmSizes.json"),
        onlineEndpointSkus: readList("onlineEndpointSkus.json"),
        databricksServingRegions: readList("databricksServingRegions.json"),
    };
    return loaded;
}
