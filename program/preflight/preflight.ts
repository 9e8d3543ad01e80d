import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { noCodeCompatibility } from "../../config/azureCatalog/noCodeCompatibilityTable";
import { onlineQuotaRules } from "../../config/azureCatalog/onlineQuotaRules";
import { priceTable } from "../../config/azureCatalog/priceTable";
import { readLoadTimes } from "../../config/folders/modelLoadTimes";
import { platformNames } from "../../config/naming/names";
import { knownValue } from "../declare/knownValue";
import { StackScope } from "../declare/stackScope";
import { preflightAzure } from "./azureReads";
import { changedInPlace } from "./changedInPlace";
import { estimateCost } from "./cost";
import { Finding, errorsIn, findingLine } from "./findings";
import { LiveState, nothingLive } from "./liveState";
import { checkNoCodeCompatibility } from "./noCodeCompatibility";
import { checkProbes } from "./probes";
import { previewText } from "./previewText";
import { QuotaLine, assessQuota } from "./quota";
import { PreflightReport } from "./report";
import { previewRollout } from "./rolloutPreview";

/** Receives each report the program makes (the PR comment's command, tools/previewComment/). */
export type PreflightListener = (report: PreflightReport) => void;

let listener: PreflightListener | undefined;

/** Hands every report to `receive` (undefined: nobody), as the program runs in this process (an inline program). */
export function listenForPreflight(receive: PreflightListener | undefined): void {
    listener = receive;
}

/**
 * The preflight of an Azure ML stack, run by `preview` and `up` before any resource is declared:
 * reads what the stack runs now and the region's quota from Azure (GETs only), then checks the
 * quota, each served model's no-code compatibility and its deployments' probes against its load
 * time measured offline, and works out the traffic stages the `up` will walk and the monthly cost
 * before and after. The report goes to the engine's output (a
 * warning per finding, the plan and cost as one message) and to a listener; any error stops the
 * program with every error, naming the stack file, key and value, before anything changes.
 */
export async function runPreflight(scope: StackScope, suffix: pulumi.Output<string>): Promise<PreflightReport> {
    const report = await preflightReport(scope, suffix);
    listener?.(report);
    // On the stack's own resource, so the engine lists it under the stack in its Diagnostics.
    const stack = pulumi.runtime.getStackResource();
    await pulumi.log.info(previewText(report), stack);
    for (const finding of report.findings.filter((f) => f.severity === "warning")) await pulumi.log.warn(`${report.stackFile}: ${findingLine(finding)}`, stack);
    const errors = errorsIn(report.findings);
    if (errors.length > 0) {
        // A RunError: the engine shows the message alone, as for every configuration error.
        throw new pulumi.RunError(`${report.stackFile}: the preflight found ${errors.length} problem${errors.length === 1 ? "" : "s"} Azure would fail the update on; nothing was changed:\n${errors.map((e) => `  - ${findingLine(e)}`).join("\n")}`);
    }
    return report;
}

/** The report alone, without logging it or failing the program (runPreflight does both). */
export async function preflightReport(scope: StackScope, suffix: pulumi.Output<string>): Promise<PreflightReport> {
    const began = Date.now();
    const { config } = scope;
    const azure = preflightAzure(scope.cloud);
    const notes: string[] = [];
    const findings: Finding[] = [];
    const { subscriptionId } = await authorization.getClientConfig();
    // The names come from the suffix: unknown in a preview of a stack that does not exist yet (nothing runs then).
    const known = await knownValue(suffix);
    let live: LiveState = nothingLive;
    let liveUnknown = false;
    if (known !== undefined) {
        try {
            live = await azure.liveState(config, subscriptionId, platformNames(config.prefix, known), known);
        } catch (err) {
            liveUnknown = true;
            notes.push(`what the stack runs in Azure could not be read (${firstLine(err)}): cost before and the traffic's starting point are unknown`);
        }
    }
    let quota: QuotaLine[] | undefined;
    try {
        const rules = onlineQuotaRules();
        const region = await azure.regionQuota(subscriptionId, config.location, rules);
        const assessed = assessQuota(config, live, region, rules);
        // Azure's usage already holds what runs; not knowing what that is, the count may hold it twice.
        findings.push(...(liveUnknown ? assessed.findings.map(asUncertain) : assessed.findings));
        quota = assessed.lines;
    } catch (err) {
        findings.push({ check: "quota", severity: "warning", key: "location", value: config.location, message: `the region's quota could not be read (${firstLine(err)}); it was not checked` });
    }
    const compatibility = checkNoCodeCompatibility(config, scope.projectDir, noCodeCompatibility());
    const probes = checkProbes(config, scope.projectDir, readLoadTimes(scope.projectDir));
    findings.push(...compatibility.findings, ...probes.findings);
    notes.push(...compatibility.notes, ...probes.notes);
    const online = config.onlineEndpoint;
    return {
        stack: pulumi.getStack(),
        stackFile: scope.stackFile,
        location: config.location,
        findings,
        quota,
        rollout: online && previewRollout(online, live.traffic, changedInPlace(online, live.deployments)),
        cost: estimateCost(config, live, priceTable()),
        notes,
        seconds: (Date.now() - began) / 1000,
    };
}

/** A quota error made a warning: the running deployments may be counted twice. */
function asUncertain(finding: Finding): Finding {
    return finding.severity === "error"
        ? { ...finding, severity: "warning", message: `${finding.message} (what runs now could not be read: if these deployments run already, Azure's usage holds them and this count adds them again)` }
        : finding;
}

function firstLine(err: unknown): string {
    return String((err as Error)?.message ?? err).split("\n")[0];
}
