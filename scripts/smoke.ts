/** `npm run smoke -- ...`: see tools/smoke/cli.ts for the options. */
import { runSmokeCli } from "../tools/smoke/cli";

runSmokeCli(process.argv.slice(2), process.env, {
    stdout: (text) => console.log(text),
    stderr: (text) => console.error(text),
}).then((code) => process.exit(code));
