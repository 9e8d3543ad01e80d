/** `npm run batch -- ...`: see tools/batch/cli.ts for the options. */
import { runBatchCli } from "../tools/batch/cli";

runBatchCli(process.argv.slice(2), {
    stdout: (text) => console.log(text),
    stderr: (text) => console.error(text),
}).then((code) => process.exit(code));
