import { SmokeReport } from "./smokeTest";

/** The report a person reads: one line per check, problems beneath, the verdict last. */
export function formatSmokeReport(report: SmokeReport): string {
    const lines = [`Smoke test of ${report.scoringUri}`, `  credential: ${report.credentialSource}`];
    for (const check of report.checks) {
        const mark = check.passed ? "PASS" : "FAIL";
        const status = check.status === undefined ? "no answer" : `HTTP ${check.status}`;
        const predictions = check.predictions ? `, predictions ${JSON.stringify(check.predictions).slice(0, 80)}` : "";
        const retries = check.attempts > 1 ? `, ${check.attempts} attempts` : "";
        lines.push(`  ${mark}  ${check.name.padEnd(22)} ${status}, ${check.latencyMs} ms${retries}${predictions}`);
        for (const problem of check.problems) lines.push(`          - ${problem}`);
    }
    if (report.load) {
        const l = report.load;
        lines.push(
            `  ${l.passed ? "PASS" : "FAIL"}  load check             ${l.requests} requests at concurrency ${l.concurrency}: ` +
                `p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms, error rate ${(l.errorRate * 100).toFixed(1)}%`,
        );
        for (const problem of l.problems) lines.push(`          - ${problem}`);
    }
    for (const a of report.agreements ?? []) {
        const measured = a.agreement === undefined ? "no comparable answers" : `${a.agreement} on ${a.rows} rows`;
        const requests = `${a.requests} request${a.requests === 1 ? "" : "s"}`;
        const verdict = a.judged ? `min ${a.gate.min}` : `min ${a.gate.min}; ${requests} of the ${a.gate.minRequests} a verdict needs: not judged`;
        const mark = !a.judged ? "SKIP" : a.passed ? "PASS" : "FAIL";
        lines.push(`  ${mark}  ${`agreement ${a.deployment}~${a.baseline}`.padEnd(22)} ${measured} (${verdict})`);
    }
    const judgedAgreements = (report.agreements ?? []).filter((a) => a.judged);
    const total = report.checks.length + (report.load ? 1 : 0) + judgedAgreements.length;
    const failed =
        report.checks.filter((c) => !c.passed).length + (report.load && !report.load.passed ? 1 : 0) + judgedAgreements.filter((a) => !a.passed).length;
    lines.push(report.passed ? `PASSED in ${report.durationMs} ms` : `FAILED in ${report.durationMs} ms`);
    // The plain tally CI tooling reads, alone on the last line.
    lines.push(`smoke: ${total - failed} passed, ${failed} failed`);
    return lines.join("\n");
}
