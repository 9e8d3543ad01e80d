/** `npm run local -- ...`: the stack's endpoint on this machine (see tools/local/cli.ts). */
import * as path from "path";
import { runLocalCli } from "../tools/local/cli";

runLocalCli(process.argv.slice(2), { stdout: (t) => console.log(t), stderr: (t) => console.error(t) }, path.resolve(__dirname, "..")).then(
    (code) => process.exit(code),
    (err: Error) => {
        console.error(err.message);
        process.exit(2);
    },
);
