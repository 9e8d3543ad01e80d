/** `npm run preview-comment -- ...`: see tools/previewComment/cli.ts for the options. */
import { runPreviewCommentCli } from "../tools/previewComment/cli";
import { exitWith, terminal } from "./commandLine";

exitWith(runPreviewCommentCli(process.argv.slice(2), process.env, terminal));
