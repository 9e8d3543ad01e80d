import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { projectDir } from "../support/stackFile";

/**
 * `npm run local -- --stack prod --batch`: up through the engine, then a job through the batch
 * endpoint with the client `npm run batch` uses (Azure's invoke body, an Entra token from the
 * stand-in az), scored by the default deployment; the output is Azure's append-row file. (prod:
 * the other end-to-end tests run dev and compat beside it.)
 */
jest.setTimeout(600_000);

it("runs a batch job through the emulated batch endpoint and writes one headerless line per input row", async () => {
    const { stdout, code } = await promisify(execFile)("npm", ["run", "local", "--", "--stack", "prod", "--batch"], {
        cwd: projectDir,
        maxBuffer: 16 * 1024 * 1024,
    }).then(
        (done) => ({ ...done, code: 0 }),
        (failed: { stdout: string; stderr: string; code: number }) => ({ stdout: `${failed.stdout}\n${failed.stderr}`, code: failed.code }),
    );
    expect({ code, tail: code === 0 ? "" : stdout.slice(-4000) }).toEqual({ code: 0, tail: "" });
    expect(stdout).toMatch(/submitted job batchjob-\d+/);
    const file = /predictions: (\S+)/.exec(stdout)![1];
    const lines = fs.readFileSync(path.join(projectDir, file), "utf8").trim().split("\n");
    expect(lines).toHaveLength(90);
    expect(lines[0]).toMatch(/^0,[01],part-000\.csv$/);
});
