/** `npm run promote -- ...`: see tools/promote/cli.ts for the options. */
import { runPromoteCli } from "../tools/promote/cli";

runPromoteCli(process.argv.slice(2), process.env, {
    stdout: (text) => console.log(text),
    stderr: (text) => console.error(text),
}).then((code) => process.exit(code));
