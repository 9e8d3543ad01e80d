import { didYouMean, nearestNames } from "../suggest";
import { AzureCatalog, AzureCloud, CatalogList } from "./catalog";

/** Why `location` is not a region of `cloud`, or undefined when it is one. */
export function regionProblem(catalog: AzureCatalog, cloud: AzureCloud, location: string): string | undefined {
    const regions = catalog.regions.items[cloud];
    if (regions.includes(location)) return undefined;
    const hint = didYouMean(nearestNames(location, regions, { normalise: (n) => n.replace(/[\s_-]/g, "") }));
    return (
        `is not a region of the Azure ${cloud} cloud (azure-native:environment)${hint || "."} ` +
        `Regions: ${listReference("regions.json", catalog.regions)}; ` +
        `for a region newer than the list set allowUnlistedLocation: true`
    );
}

/** Why `size` is not in `list`, or undefined when it is. Azure compares size names without case. */
export function vmSizeProblem(
    list: CatalogList<string[]>,
    file: string,
    size: string,
    what: string,
    overrideKey: string,
): string | undefined {
    if (list.items.some((known) => known.toLowerCase() === size.toLowerCase())) return undefined;
    const hint = didYouMean(nearestNames(size, list.items, { normalise: (n) => n.replace(/^standard_/, "") }));
    return (
        `is not ${what}${hint || "."} ` +
        `Sizes: ${listReference(file, list)}; for a size newer than the list set ${overrideKey}: true`
    );
}

function listReference(file: string, list: CatalogList<unknown>): string {
    // The file names its source; the date tells how fresh the list is.
    return `config/azureCatalog/${file} (as of ${list.retrieved})`;
}
