/** `npm run load-times -- ...`: see tools/loadTimes/cli.ts for the options. */
import { runLoadTimesCli } from "../tools/loadTimes/cli";
import { exitWith, terminal } from "./commandLine";

exitWith(runLoadTimesCli(process.argv.slice(2), terminal));
