/**
 * The layers, by where their code runs (docs/ARCHITECTURE.md). An import may only go down:
 *
 *   tools/, scripts/        command-line tools            -> anything below
 *   emulator/               the local Azure               -> runtime/, config/
 *   program/                the Pulumi program            -> runtime/, config/
 *   config/                 the stack's configuration     -> runtime/
 *   runtime/                runs inside the engine's dynamic providers (and under the tools)
 *   policy/                 the policy pack, in the engine's analyzer: nothing of the above
 *
 * Checked by `npm run check:layers` (part of `npm test`).
 */
const layer = (name, mayImport, why) => ({
    name: `${name}-imports-only-${mayImport.join("-") || "itself"}`,
    comment: why,
    severity: "error",
    from: { path: `^${name}/` },
    to: {
        path: "^(program|runtime|config|emulator|tools|scripts|policy|tests|index\\.ts)",
        pathNot: [`^${name}/`, ...mayImport.map((m) => `^${m}/`)],
    },
});

module.exports = {
    forbidden: [
        layer("runtime", [], "runtime/ is serialized into dynamic providers and run inside the engine: it may not pull the program, config, the emulator or the tools into a provider."),
        layer("config", ["runtime"], "config/ is pure: the stack's configuration and the rules it is checked against, read by the program and by the tools."),
        layer("program", ["runtime", "config"], "program/ is the Pulumi program: it declares resources; it never reaches into the local Azure or the tools."),
        layer("emulator", ["runtime", "config"], "emulator/ stands in for Azure: it must not know the program that deploys into it."),
        layer("tools", ["program", "runtime", "config", "emulator"], "tools/ are the command-line tools; tests import them, never the other way."),
        layer("scripts", ["tools", "program", "runtime", "config", "emulator"], "scripts/ are the npm-run entry points."),
        layer("policy", [], "policy/ runs in the engine's policy analyzer on its own package."),
        {
            name: "no-circular",
            comment: "A cycle between modules makes a change in one a change in all.",
            severity: "error",
            from: {},
            to: { circular: true },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "(^|/)(node_modules|\\.venv|\\.local)/" },
        tsConfig: { fileName: "tsconfig.json" },
        tsPreCompilationDeps: true,
        moduleSystems: ["cjs", "es6"],
    },
};
