import { committedData } from "./catalog";

/** One row of the committed table: what is checked, the versions it applies to, its severity and source. */
export interface CompatibilityRow {
    /** "NC4 azureml-ai-monitoring-missing": the id findings cite. */
    readonly id: string;
    /**
     * python: the model's Python in `versions`; mlflow: its MLflow in `versions`; requires: `package`
     * absent; unpinned: `package` not pinned to one version; serverPython: a pinned `package`
     * release whose Python range (`serverPython`) excludes the model's; serverNeeds: a pinned
     * `package` release in `server` without `needs`; condaPip: the conda file caps pip in `versions`.
     */
    readonly check: "python" | "mlflow" | "requires" | "unpinned" | "serverPython" | "serverNeeds" | "condaPip";
    readonly severity: "error" | "warning";
    readonly versions?: string;
    readonly package?: string;
    readonly server?: string;
    readonly needs?: string;
    readonly serverPython?: readonly { readonly server: string; readonly python: string }[];
    readonly what: string;
    readonly fix: string;
    readonly source: string;
}

export interface CompatibilityTable {
    readonly source: string;
    readonly retrieved: string;
    readonly refresh: string;
    readonly rows: readonly CompatibilityRow[];
}

/** The committed table of what Azure's no-code MLflow deployment builds and serves (noCodeCompatibility.json). */
export function noCodeCompatibility(): CompatibilityTable {
    return committedData<CompatibilityTable>("noCodeCompatibility.json");
}
