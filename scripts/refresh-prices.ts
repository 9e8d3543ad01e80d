/** `npm run prices:refresh -- ...`: see tools/prices/cli.ts for the options. */
import { runRefreshPricesCli } from "../tools/prices/cli";
import { exitWith, terminal } from "./commandLine";

exitWith(runRefreshPricesCli(process.argv.slice(2), process.env, terminal));
