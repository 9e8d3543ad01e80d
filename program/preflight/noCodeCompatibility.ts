import { satisfies, valid } from "@renovatebot/pep440";
import * as path from "path";
import { CompatibilityRow, CompatibilityTable } from "../../config/azureCatalog/noCodeCompatibilityTable";
import { ModelRequirements, readModelRequirements } from "../../config/folders/modelRequirements";
import { modelSourceOf } from "../../config/modelSources";
import { modelVersionKey } from "../../config/modelVersionKey";
import { StackConfig } from "../../config/schema";
import { Finding } from "./findings";

/** A requirement line as pip reads it: the normalised name and its version specifier. */
interface Requirement {
    readonly name: string;
    readonly specifier: string;
}

/**
 * Each model a deployment serves, checked as Azure's no-code MLflow deployment builds it: its
 * Python, MLflow and inference-server versions and its requirements against the committed table
 * (config/azureCatalog/noCodeCompatibility.json). A finding cites the row. Only models in this
 * repository are read (a version by reference or from the registry has its files in Azure, and
 * was checked by the stack that registered it); `notes` says which were not.
 */
export function checkNoCodeCompatibility(config: StackConfig, projectDir: string, table: CompatibilityTable): { findings: Finding[]; notes: string[] } {
    const served = new Set([...(config.onlineEndpoint?.deployments ?? []), ...(config.batchEndpoint?.deployments ?? [])].map((d) => d.model));
    const findings: Finding[] = [];
    const notes: string[] = [];
    config.models.forEach((model, index) => {
        const key = modelVersionKey(model.name, model.version);
        if (!served.has(key)) return;
        const source = modelSourceOf(model, projectDir);
        if (source?.kind !== "folder") {
            notes.push(`${key}: its files are in Azure, not in this repository; its environment was not checked here`);
            return;
        }
        let requirements: ModelRequirements;
        try {
            requirements = readModelRequirements(path.resolve(projectDir, model.path!));
        } catch (err) {
            notes.push(`${key}: its environment could not be read (${(err as Error).message})`);
            return;
        }
        for (const row of table.rows) {
            const problem = rowProblem(row, requirements);
            if (!problem) continue;
            findings.push({
                check: "compatibility",
                severity: row.severity,
                key: `models[${index}].path`,
                value: model.path,
                message: `${key} (${requirements.source}): ${problem}; ${row.what}. Fix: ${row.fix}`,
                rule: { id: row.id, source: row.source },
            });
        }
    });
    return { findings, notes };
}

/** What about the model breaks the row, or undefined when it does not apply. */
function rowProblem(row: CompatibilityRow, requirements: ModelRequirements): string | undefined {
    const pip = requirements.pip.map(parseRequirement).filter((r): r is Requirement => r !== undefined);
    const find = (name: string) => pip.find((r) => r.name === normalise(name));
    const python = requirements.python && valid(requirements.python) ? requirements.python : undefined;
    switch (row.check) {
        case "python":
            return python && satisfies(python, row.versions!) ? `Python ${python}` : undefined;
        case "mlflow": {
            const mlflow = pinnedVersion(find("mlflow"));
            return mlflow && satisfies(mlflow, row.versions!) ? `mlflow==${mlflow}` : undefined;
        }
        case "requires":
            return find(row.package!) ? undefined : `${row.package} is not among its requirements`;
        case "unpinned": {
            const requirement = find(row.package!);
            return requirement && !pinnedVersion(requirement) ? `${requirement.name}${requirement.specifier || " (any version)"}` : undefined;
        }
        case "serverPython": {
            const server = pinnedVersion(find(row.package!));
            if (!server || !python) return undefined;
            const range = row.serverPython!.find((r) => satisfies(server, r.server));
            return range && !satisfies(python, range.python) ? `${row.package}==${server} needs Python ${range.python}, the model has ${python}` : undefined;
        }
        case "serverNeeds": {
            const server = pinnedVersion(find(row.package!));
            return server && satisfies(server, row.server!) && !find(row.needs!) ? `${row.package}==${server} without ${row.needs}` : undefined;
        }
        case "condaPip": {
            // The newest pip the conda file allows: up to X with <=, ==, =; below X with < (X itself if X is in range counts).
            const cap = /^(<=|==|=|<)\s*([0-9][0-9.]*)$/.exec(requirements.condaPip ?? "");
            if (!cap || !valid(cap[2])) return undefined;
            const capped = cap[1] === "<" ? satisfies(cap[2], row.versions!.replace(/^</, "<=")) : satisfies(cap[2], row.versions!);
            return capped ? `conda.yaml pins pip${requirements.condaPip}` : undefined;
        }
    }
}

/** `name[extra]==1.2; marker` as name and specifier; options and includes (`-r`, `--index-url`) are not requirements. */
function parseRequirement(line: string): Requirement | undefined {
    const text = line.split(";")[0].trim();
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$/.exec(text);
    if (!match || text.startsWith("-")) return undefined;
    return { name: normalise(match[1]), specifier: match[2].replace(/\s+/g, "") };
}

/** PEP 503: names compare lower case with runs of -, _ and . as one "-". */
function normalise(name: string): string {
    return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The one version `==X` (or `===X`) allows; undefined for a range or no specifier. */
function pinnedVersion(requirement: Requirement | undefined): string | undefined {
    const version = /^===?([^,*]+)$/.exec(requirement?.specifier ?? "")?.[1];
    return version && valid(version) ? version : undefined;
}
