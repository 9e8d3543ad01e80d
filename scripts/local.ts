/** `npm run local -- ...`: the stack's endpoint on this machine (see tools/local/cli.ts). */
import * as path from "path";
import { runLocalCli } from "../tools/local/cli";
import { exitWith, terminalLines } from "./commandLine";

exitWith(runLocalCli(process.argv.slice(2), terminalLines, path.resolve(__dirname, "..")), 2);
