import * as fs from "fs";
import { parseArgs } from "util";
import { priceTable } from "../../config/azureCatalog/priceTable";
import { pricesFile, refreshPrices } from "./refreshPrices";

export const refreshPricesUsage = `Usage: npm run prices:refresh -- [--region <name>]...
  --region <name>   a region to price (repeatable; default: the regions config/azureCatalog/prices.json has)
Reads the Azure Retail Prices API (public, no sign-in) and rewrites config/azureCatalog/prices.json.`;

export async function runRefreshPricesCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: { stdout: (t: string) => void; stderr: (t: string) => void }, projectDir = process.cwd()): Promise<number> {
    let regions: string[];
    try {
        const { values } = parseArgs({ args: [...argv], options: { region: { type: "string", multiple: true } }, strict: true });
        regions = values.region ?? Object.keys(priceTable().vm);
    } catch (err) {
        io.stderr(`${(err as Error).message}\n\n${refreshPricesUsage}\n`);
        return 2;
    }
    const table = await refreshPrices(projectDir, regions, env, (line) => io.stderr(`${line}\n`));
    fs.writeFileSync(pricesFile(projectDir), `${JSON.stringify(table, null, 1)}\n`);
    io.stdout(`wrote ${pricesFile(projectDir)}: ${regions.length} regions, as of ${table.retrieved}\n`);
    return 0;
}
