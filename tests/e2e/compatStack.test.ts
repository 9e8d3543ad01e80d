import { npmRunLocal, verdict } from "../support/npmRunLocal";

/**
 * The compat stack serves two models nobody on this project would write the way its own samples
 * are written, with conflicting requirements (scikit-learn 1.3 on numpy 1; LightGBM on numpy 2),
 * each in its own environment, and a request with whole numbers as JSON integers for double
 * columns: the offline main job must pass, as Azure would serve it. Slow the first time (two
 * environments are built), so it lives with the end-to-end tests.
 */
jest.setTimeout(900_000);

it("npm run local -- --stack compat --once serves both models side by side and passes the smoke test", async () => {
    const run = await npmRunLocal(["--stack", "compat", "--once"]);
    // On failure, the run's own output says why.
    expect(verdict(run)).toEqual({ code: 0, tail: "" });
    const { stdout } = run;
    const environment = (model: string) => new RegExp(`environment 1/1 \\(\\.venv/models/([0-9a-f]{16})\\) for ${model}`);
    const blue = environment("diabetes-unscaled:1").exec(stdout)?.[1];
    const green = environment("diabetes-unscaled:2").exec(stdout)?.[1];
    expect([blue, green]).toEqual([expect.any(String), expect.any(String)]);
    expect(blue).not.toBe(green);
    expect(stdout).toMatch(/PASS {2}deployment blue +HTTP 200/);
    expect(stdout).toMatch(/PASS {2}deployment green +HTTP 200/);
    expect(stdout).toContain("smoke: 4 passed, 0 failed");
});
