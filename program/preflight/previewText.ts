import { describeWeights } from "../../runtime/endpoints/trafficWire";
import { CostReport } from "./cost";
import { findingLine } from "./findings";
import { PreflightReport } from "./report";
import { RolloutPreview } from "./rolloutPreview";

/**
 * The report as one message of the engine's output (`pulumi preview`, `pulumi up`): the rollout
 * plan, the quota, the cost and its change, the findings. Plain text; the PR comment renders
 * the same report as markdown (tools/previewComment/).
 */
export function previewText(report: PreflightReport): string {
    const lines = [`preflight of ${report.stackFile} (${report.location}):`];
    if (report.rollout) lines.push(...rolloutLines(report.rollout).map((l) => `  ${l}`));
    if (report.quota) {
        for (const q of report.quota) lines.push(`  quota ${q.quota}: ${q.inUse} in use + ${q.added} for this update = ${q.inUse + q.added} of ${q.limit < 0 ? "no limit" : q.limit}`);
        if (report.quota.length === 0) lines.push("  quota: this update needs no more vCPUs");
    }
    lines.push(...costLines(report.cost).map((l) => `  ${l}`));
    for (const f of report.findings) lines.push(`  ${findingLine(f)}`);
    if (report.findings.length === 0) lines.push("  findings: none");
    for (const note of report.notes) lines.push(`  not checked: ${note}`);
    return lines.join("\n");
}

export function rolloutLines(rollout: RolloutPreview): string[] {
    const from = rollout.live ? describeWeights(rollout.live) : "no endpoint yet";
    if (rollout.mode === "unchanged") return [`traffic of endpoint ${rollout.endpoint}: unchanged (${from})`];
    const head =
        rollout.mode === "progressive"
            ? `traffic of endpoint ${rollout.endpoint}: progressive rollout of ${rollout.canary} against ${rollout.baseline}, from ${from}, ${rollout.stages.filter((s) => s.watchSeconds).length} watched stages (${durationText(rollout)}); a failed gate puts the weights back`
            : `traffic of endpoint ${rollout.endpoint}: from ${from}, in one step`;
    return [head, ...rollout.stages.map((s, i) => `  ${i + 1}. ${s.label}: ${describeWeights(s.weights)}${s.watchSeconds ? `, watched ${s.watchSeconds} s` : ""}`)];
}

/** How long the watched stages take: "3 min to 12 min" (every window passing at once, or waiting the whole metrics delay). */
export function durationText(rollout: RolloutPreview): string {
    const minutes = (s: number) => (s < 120 ? `${s} s` : `${Math.round(s / 60)} min`);
    return rollout.longestSeconds && rollout.longestSeconds !== rollout.shortestSeconds
        ? `${minutes(rollout.shortestSeconds ?? 0)} to ${minutes(rollout.longestSeconds)}`
        : minutes(rollout.shortestSeconds ?? 0);
}

export function money(value: number | undefined, currency = "USD"): string {
    return value === undefined ? "-" : `${value.toFixed(2)} ${currency}`;
}

export function signed(value: number, currency = "USD"): string {
    return `${value >= 0 ? "+" : "-"}${Math.abs(value).toFixed(2)} ${currency}`;
}

function costLines(cost: CostReport): string[] {
    const change = cost.totalAfter - cost.totalBefore;
    const lines = [
        `cost a month (${cost.region} list prices, ${cost.retrieved}): ${money(cost.totalBefore, cost.currency)} now -> ${money(cost.totalAfter, cost.currency)} (${signed(change, cost.currency)})${cost.totalAfterAtMax !== cost.totalAfter ? `, up to ${money(cost.totalAfterAtMax, cost.currency)} with the cluster at max nodes` : ""}`,
    ];
    for (const l of cost.lines) {
        lines.push(`  ${l.item} (${l.detail}): ${money(l.monthlyBefore, cost.currency)} -> ${money(l.monthlyAfter, cost.currency)}${l.monthlyAfterAtMax !== undefined ? ` (at max nodes ${money(l.monthlyAfterAtMax, cost.currency)})` : ""}`);
    }
    if (cost.coexistence) {
        lines.push(`  while ${cost.coexistence.deployments.join(", ")} run${cost.coexistence.deployments.length === 1 ? "s" : ""} beside the main deployment: ${money(cost.coexistence.monthly, cost.currency)} a month (${money(cost.coexistence.daily, cost.currency)} a day)`);
    }
    if (cost.unpriced.length > 0) lines.push(`  no price in the table for: ${cost.unpriced.join(", ")}`);
    return lines;
}
