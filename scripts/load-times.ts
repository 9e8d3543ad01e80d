/** `npm run load-times -- ...`: see tools/loadTimes/cli.ts for the options. */
import { runLoadTimesCli } from "../tools/loadTimes/cli";

runLoadTimesCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
}).then(
    (code) => process.exit(code),
    (err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    },
);
