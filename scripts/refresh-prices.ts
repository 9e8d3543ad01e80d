/** `npm run prices:refresh -- ...`: see tools/prices/cli.ts for the options. */
import { runRefreshPricesCli } from "../tools/prices/cli";

runRefreshPricesCli(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
}).then(
    (code) => process.exit(code),
    (err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    },
);
