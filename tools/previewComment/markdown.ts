import { CostReport } from "../../program/preflight/cost";
import { Finding } from "../../program/preflight/findings";
import { durationText, money, signed } from "../../program/preflight/previewText";
import { PreflightReport } from "../../program/preflight/report";
import { RolloutPreview } from "../../program/preflight/rolloutPreview";
import { TrafficWeights } from "../../runtime/endpoints/trafficWire";
import { PlannedStep, PreviewResult } from "./enginePreview";

/** The hidden first line the workflow finds its comment by, one per stack. */
export function commentMarker(stack: string): string {
    return `<!-- preview-comment:${stack} -->`;
}

const opSymbols: Record<PlannedStep["op"], string> = { create: "+", update: "~", replace: "+-", delete: "-" };

/**
 * The PR comment for one stack, as markdown: the engine's diff summary, the rollout plan the `up`
 * will walk, the preflight's findings and quota, the monthly cost and this change's part in it.
 */
export function previewComment(result: PreviewResult): string {
    const report = result.report;
    const where = report ? ` (${report.stackFile}, ${report.location})` : "";
    const lines = [commentMarker(result.stack), `### \`pulumi preview\` of **${result.stack}**${where}`, ""];
    if (result.failure) lines.push("**The preview failed**: this change cannot be deployed as it is.", "", "```", result.failure, "```", "");
    lines.push(...diffSection(result), "");
    if (report?.rollout) lines.push(...rolloutSection(report.rollout), "");
    if (report) lines.push(...preflightSection(report), "", ...costSection(report.cost), "");
    else if (!result.failure) lines.push("_No preflight: the stack does not serve on Azure Machine Learning (quota, no-code checks and cost cover Azure ML stacks)._", "");
    if (result.policies.length > 0) {
        lines.push("#### Policy", "", "| level | policy | message |", "|---|---|---|", ...result.policies.map((p) => `| ${p.level} | ${p.policy} | ${cell(p.message)} |`), "");
    }
    lines.push(`<sub>preview ${result.seconds.toFixed(1)} s · \`npm run preview-comment -- --stack ${result.stack}\`</sub>`);
    return redactSubscriptions(`${lines.join("\n")}\n`);
}

/** Azure's quota messages name the subscription; a pull request's readers need not see it. */
function redactSubscriptions(markdown: string): string {
    return markdown.replace(/SubscriptionId [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "SubscriptionId <the deploying subscription>");
}

function diffSection(result: PreviewResult): string[] {
    const count = (op: PlannedStep["op"]) => result.steps.filter((s) => s.op === op).length;
    const summary = `**${count("create")} to create · ${count("update")} to update · ${count("replace")} to replace · ${count("delete")} to delete** · ${result.unchanged} unchanged`;
    if (result.failure) return ["#### Changes", "", `_The preview stopped before the engine planned the changes${result.steps.length > 0 ? `; it had planned ${result.steps.length}` : ""}._`];
    if (result.steps.length === 0) return ["#### Changes", "", `${summary}: no changes.`];
    return [
        "#### Changes",
        "",
        summary,
        "",
        "| | resource | type | because of |",
        "|---|---|---|---|",
        ...result.steps.map((s) => `| \`${opSymbols[s.op]}\` | ${s.name} | \`${s.type}\` | ${s.keys.map((k) => `\`${k}\``).join(", ")} |`),
    ];
}

function rolloutSection(rollout: RolloutPreview): string[] {
    const from = rollout.live ? weightsText(rollout.live) : "no endpoint yet";
    if (rollout.mode === "unchanged") return ["#### Traffic", "", `Endpoint \`${rollout.endpoint}\`: unchanged (${from}).`];
    const intro =
        rollout.mode === "progressive"
            ? `Endpoint \`${rollout.endpoint}\`: progressive rollout of **${rollout.canary}** against **${rollout.baseline}**, from ${from}. Each stage is watched and judged on the endpoint's metrics; a failed gate puts the weights back and fails the update (${durationText(rollout)}).`
            : `Endpoint \`${rollout.endpoint}\`: from ${from}, in one step.`;
    return [
        "#### Rollout plan",
        "",
        intro,
        "",
        "| stage | live traffic | mirrored | watched |",
        "|---|---|---|---|",
        ...rollout.stages.map((s, i) => `| ${i + 1}. ${s.label} | ${weightMap(s.weights.traffic)} | ${weightMap(s.weights.mirrorTraffic)} | ${s.watchSeconds ? `${s.watchSeconds} s` : "-"} |`),
    ];
}

function preflightSection(report: PreflightReport): string[] {
    const errors = report.findings.filter((f) => f.severity === "error").length;
    const warnings = report.findings.length - errors;
    const verdict = errors > 0 ? `❌ ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}: Azure would fail this update` : warnings > 0 ? `⚠️ ${warnings} warning${warnings === 1 ? "" : "s"}` : "✅ no findings";
    const lines = ["#### Preflight", "", verdict];
    if (report.findings.length > 0) {
        lines.push("", "| | check | key | value | finding | rule |", "|---|---|---|---|---|---|", ...report.findings.map(findingRow));
    }
    if (report.quota && report.quota.length > 0) {
        lines.push("", "| quota | in use | this update adds | after | limit |", "|---|---|---|---|---|");
        for (const q of report.quota) lines.push(`| ${q.quota} | ${q.inUse} | ${q.added} | ${q.inUse + q.added} | ${q.limit < 0 ? "none" : q.limit} |`);
    }
    for (const note of report.notes) lines.push("", `_Not checked: ${cell(note)}_`);
    return lines;
}

function findingRow(f: Finding): string {
    return `| ${f.severity === "error" ? "❌" : "⚠️"} | ${f.check} | \`${f.key}\` | \`${cell(JSON.stringify(f.value))}\` | ${cell(f.message)} | ${f.rule ? cell(f.rule.id) : ""} |`;
}

function costSection(cost: CostReport): string[] {
    const change = cost.totalAfter - cost.totalBefore;
    const lines = [
        `#### Cost a month (${cost.region} list prices, ${cost.currency})`,
        "",
        `**${money(cost.totalBefore, cost.currency)} now → ${money(cost.totalAfter, cost.currency)} (${signed(change, cost.currency)})**${cost.totalAfterAtMax !== cost.totalAfter ? `, up to ${money(cost.totalAfterAtMax, cost.currency)} with the cluster at its maximum nodes` : ""}`,
        "",
        "| item | what | now | after | change |",
        "|---|---|---|---|---|",
    ];
    for (const l of cost.lines) {
        const delta = (l.monthlyAfter ?? 0) - (l.monthlyBefore ?? 0);
        const after = `${money(l.monthlyAfter)}${l.monthlyAfterAtMax !== undefined ? ` (max ${money(l.monthlyAfterAtMax)})` : ""}`;
        lines.push(`| ${l.item} | ${l.detail} | ${money(l.monthlyBefore)} | ${after} | ${delta === 0 ? "" : signed(delta)} |`);
    }
    if (cost.coexistence) {
        const names = cost.coexistence.deployments.join(", ");
        lines.push("", `Blue/green: ${names} cost${cost.coexistence.deployments.length === 1 ? "s" : ""} ${money(cost.coexistence.monthly)} a month (${money(cost.coexistence.daily)} a day) while running beside the deployment with the most traffic; online deployments do not scale to zero, so remove the one you no longer serve once the rollout is done.`);
    }
    if (cost.unpriced.length > 0) lines.push("", `No price in the table for: ${cost.unpriced.join(", ")} (left out of the totals).`);
    lines.push("", `<sub>Pay-as-you-go list prices of the Azure Retail Prices API as of ${cost.retrieved}, a month of 730 hours (sources and refresh: config/azureCatalog/prices.json). Not estimated (billed by use): ${cost.notEstimated.join(", ")}.</sub>`);
    return lines;
}

function weightsText(weights: TrafficWeights): string {
    const mirror = Object.keys(weights.mirrorTraffic).length > 0 ? `, mirror ${weightMap(weights.mirrorTraffic)}` : "";
    return `live ${weightMap(weights.traffic)}${mirror}`;
}

function weightMap(weights: Readonly<Record<string, number>>): string {
    const entries = Object.entries(weights);
    return entries.length === 0 ? "-" : entries.map(([d, w]) => `${d} ${w}%`).join(", ");
}

/** Text safe inside a table cell. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
