import { npmRunLocal, verdict } from "../support/npmRunLocal";

/**
 * The compat stack serves four models nobody on this project would write the way its own samples
 * are written: conflicting requirements (scikit-learn 1.3 on numpy 1; LightGBM on numpy 2), one
 * saved with Python 3.12 pinning psutil==7.0.0 (which the inference server needs too), one saved
 * with Python 3.8 and scikit-learn 1.1 - neither Python the selected one under pyenv - each in its
 * own environment, and a request with whole numbers as JSON integers for double columns: the
 * offline main job must pass, as Azure would serve them. Slow the first time (four environments
 * are built), so it lives with the end-to-end tests.
 */
jest.setTimeout(900_000);

it("npm run local -- --stack compat --once serves the four models side by side and passes the smoke test", async () => {
    const run = await npmRunLocal(["--stack", "compat", "--once"]);
    // On failure, the run's own output says why.
    expect(verdict(run)).toEqual({ code: 0, tail: "" });
    const { stdout } = run;
    const environment = (model: string) => new RegExp(`environment 1/1 \\(\\.venv/models/([0-9a-f]{16})\\) for ${model}`);
    const blue = environment("diabetes-unscaled:1").exec(stdout)?.[1];
    const green = environment("diabetes-unscaled:2").exec(stdout)?.[1];
    expect([blue, green]).toEqual([expect.any(String), expect.any(String)]);
    expect(blue).not.toBe(green);
    // Each model's own Python, found under pyenv although not selected; the model's psutil pin kept.
    expect(stdout).toMatch(/environment 1\/1 \(\.venv\/models\/[0-9a-f]{16}\) for diabetes-unscaled:3 with Python 3\.12\./);
    expect(stdout).toMatch(/environment 1\/1 \(\.venv\/models\/[0-9a-f]{16}\) for diabetes-unscaled:4 with Python 3\.8\./);
    expect(stdout).not.toMatch(/no Python 3\.(12|8) here/);
    for (const deployment of ["blue", "green", "py312", "py38"]) expect(stdout).toMatch(new RegExp(`PASS {2}deployment ${deployment} +HTTP 200`));
    expect(stdout).toContain("smoke: 6 passed, 0 failed");
});
