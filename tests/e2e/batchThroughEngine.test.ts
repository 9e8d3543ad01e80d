import * as fs from "fs";
import * as path from "path";
import { npmRunLocal, verdict } from "../support/npmRunLocal";
import { projectDir } from "../support/stackFile";

/**
 * `npm run local -- --stack prod --batch`: up through the engine, then a job through the batch
 * endpoint with the client `npm run batch` uses (Azure's invoke body, an Entra token from the
 * stand-in az), scored by the default deployment; the output is Azure's append-row file. (prod:
 * the other end-to-end tests run dev and compat beside it.)
 */
jest.setTimeout(600_000);

it("runs a batch job through the emulated batch endpoint and writes one headerless line per input row", async () => {
    const run = await npmRunLocal(["--stack", "prod", "--batch"]);
    // On failure, the run's own output says why.
    expect(verdict(run)).toEqual({ code: 0, tail: "" });
    const { stdout } = run;
    expect(stdout).toMatch(/submitted job batchjob-\d+/);
    const file = /predictions: (\S+)/.exec(stdout)![1];
    const lines = fs.readFileSync(path.join(projectDir, file), "utf8").trim().split("\n");
    expect(lines).toHaveLength(90);
    expect(lines[0]).toMatch(/^0,[01],part-000\.csv$/);
});
