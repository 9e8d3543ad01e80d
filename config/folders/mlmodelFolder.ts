import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

/**
 * What the platform needs to know about a local MLflow model folder before it uploads it: Azure's
 * no-code deployment loads it through the `python_function` flavor, and the smoke test and the
 * scoring contract rely on the signature, so a folder without either is refused up front.
 */
export interface MlflowModelFolder {
    readonly dir: string;
    readonly flavors: readonly string[];
    /** Input column names from the signature (empty for tensor-based signatures). */
    readonly inputColumns: readonly string[];
    readonly mlflowVersion?: string;
}

export type InspectionResult =
    | { readonly ok: true; readonly model: MlflowModelFolder }
    | { readonly ok: false; readonly problem: string };

export function inspectMlflowModelFolder(dir: string): InspectionResult {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        return { ok: false, problem: `folder ${dir} does not exist` };
    }
    const mlmodelPath = path.join(dir, "MLmodel");
    if (!fs.existsSync(mlmodelPath)) {
        return { ok: false, problem: `${mlmodelPath} is missing; point at the folder MLflow saved (it holds MLmodel)` };
    }
    const inspection = inspectMlmodel(fs.readFileSync(mlmodelPath, "utf8"), mlmodelPath);
    return inspection.ok ? { ok: true, model: { ...inspection.model, dir } } : inspection;
}

/**
 * The same questions of an MLmodel file's text (a registered version's, read from storage);
 * `where` names it in the problems.
 */
export function inspectMlmodel(text: string, where: string): InspectionResult {
    let document: unknown;
    try {
        document = parseYaml(text);
    } catch (err) {
        return { ok: false, problem: `${where} is not valid YAML: ${(err as Error).message.split("\n")[0]}` };
    }
    if (!isRecord(document) || !isRecord(document.flavors)) {
        return { ok: false, problem: `${where} has no flavors section` };
    }
    const flavors = Object.keys(document.flavors);
    if (!flavors.includes("python_function")) {
        return {
            ok: false,
            problem: `${where} has no python_function flavor (found: ${flavors.join(", ") || "none"}); Azure's no-code MLflow deployment needs one`,
        };
    }
    const signature = document.signature;
    if (!isRecord(signature) || typeof signature.inputs !== "string") {
        return {
            ok: false,
            problem: `${where} has no signature; save the model with signature=infer_signature(...)`,
        };
    }
    const inputColumns = parseSignatureColumns(signature.inputs);
    if (inputColumns === undefined) {
        return { ok: false, problem: `${where} has a signature whose inputs are not valid JSON` };
    }
    return {
        ok: true,
        model: {
            dir: "",
            flavors,
            inputColumns,
            mlflowVersion: typeof document.mlflow_version === "string" ? document.mlflow_version : undefined,
        },
    };
}

function parseSignatureColumns(inputs: string): string[] | undefined {
    try {
        const specs: unknown = JSON.parse(inputs);
        if (!Array.isArray(specs)) return undefined;
        return specs.flatMap((spec) => (isRecord(spec) && typeof spec.name === "string" ? [spec.name] : []));
    } catch {
        return undefined;
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
