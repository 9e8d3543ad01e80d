/**
 * What the preflight found, each naming the stack file's key and value it is about. An error stops
 * `preview` and `up` before anything changes (Azure would certainly refuse or fail the update); a
 * warning is shown and the update goes on (Azure may well fail it, or it costs more than it needs).
 * Which is which is decided per finding and documented in README.md.
 */
export type Severity = "error" | "warning";

export type PreflightCheck = "quota" | "compatibility" | "probes";

export interface Finding {
    readonly check: PreflightCheck;
    readonly severity: Severity;
    /** The stack file's key, e.g. `onlineEndpoint.deployments[1].instanceCount`. */
    readonly key: string;
    readonly value: unknown;
    readonly message: string;
    /** The committed rule it applies: a compatibility table's row or a quota rule, with its source. */
    readonly rule?: { readonly id: string; readonly source: string };
}

export function errorsIn(findings: readonly Finding[]): Finding[] {
    return findings.filter((f) => f.severity === "error");
}

/** One line: `error quota onlineEndpoint.deployments[1].instanceCount = 3: ...`. */
export function findingLine(finding: Finding): string {
    const rule = finding.rule ? ` [${finding.rule.id}]` : "";
    return `${finding.severity} (${finding.check}) ${finding.key} = ${JSON.stringify(finding.value)}: ${finding.message}${rule}`;
}
