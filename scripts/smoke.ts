/** `npm run smoke -- ...`: see lib/smoke/cli.ts for the options. */
import { runSmokeCli } from "../lib/smoke/cli";

runSmokeCli(process.argv.slice(2), process.env, {
    stdout: (text) => console.log(text),
    stderr: (text) => console.error(text),
}).then((code) => process.exit(code));
