import * as fs from "fs";
import * as path from "path";
import { coresAdded, dedicatedQuotas, deploymentCores, notEnoughQuotaMessage, onlineQuotaRules } from "../../config/azureCatalog/onlineQuotaRules";
import { ArmId } from "../arm/armIds";
import { Refusal } from "../arm/azureErrors";
import { RuleContext, StoredResource } from "../arm/storedResource";
import { regionOf } from "../resources/sharedRules";

/** One VM size as Azure ML's vmSizes answer lists it. */
export interface RecordedVmSize {
    readonly name: string;
    readonly family: string;
    readonly vCPUs: number;
    readonly gpus: number;
    readonly memoryGB: number;
    readonly lowPriorityCapable: boolean;
    readonly supportedComputeTypes: readonly string[];
}

/** Limits by usage name (`*`: every family not named), and what other workloads use. */
interface QuotaSettings {
    readonly dedicated?: Readonly<Record<string, number>>;
    readonly lowPriority?: Readonly<Record<string, number>>;
    readonly inUse?: Readonly<Record<string, number>>;
}

interface QuotaFixture {
    readonly default: QuotaSettings;
    /** Per region (ARM name, lower case): settings that replace the default's, key by key. */
    readonly regions: Readonly<Record<string, QuotaSettings>>;
}

/** An item of the usages answer, as Azure ML writes it (Get-AzMLServiceUsage.Recording.json). */
export interface UsageItem {
    readonly id: string;
    readonly type: string;
    readonly unit: "Count";
    readonly currentValue: number;
    readonly limit: number;
    readonly name: { readonly value: string; readonly localizedValue: string };
}

export const committedQuotaFile = path.join(__dirname, "quota.json");
const deploymentType = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
const computeType = "Microsoft.MachineLearningServices/workspaces/computes";

/**
 * Azure ML's regional vCPU quota on this machine: the usages and vmSizes answers
 * (`/subscriptions/{s}/providers/Microsoft.MachineLearningServices/locations/{l}/usages|vmSizes`)
 * and the refusal of an online deployment's PUT that would go over it, with Azure's message. The
 * limits come from a fixture file read on every request; usage is the fixture's `inUse` plus what
 * this run's live resources hold: each online deployment `ceil(1.2 x instances) x vCPUs` of its
 * family (config/azureCatalog/onlineQuota.json), each cluster its minimum nodes.
 */
export class RegionalQuota {
    private sizes: readonly RecordedVmSize[] | undefined;

    constructor(private readonly fixtureFile: string = committedQuotaFile) {}

    /** The recorded vmSizes answer (eastus's, for every region: README.md). */
    vmSizes(): readonly RecordedVmSize[] {
        this.sizes ??= (JSON.parse(fs.readFileSync(path.join(__dirname, "vmSizes.recorded.json"), "utf8")) as { items: RecordedVmSize[] }).items;
        return this.sizes;
    }

    /** The usages answer for a subscription's region: the totals, then every family's dedicated and low-priority quota. */
    usages(ofType: (type: string) => StoredResource[], subscription: string, location: string): UsageItem[] {
        const settings = this.settings(location);
        const used = this.used(ofType, subscription, location);
        const limitOf = (limits: Readonly<Record<string, number>> | undefined, name: string, fallback: number) => limits?.[name] ?? limits?.["*"] ?? fallback;
        const families = [...new Set(this.vmSizes().map((s) => s.family))].sort();
        const item = (value: string, localizedValue: string, type: string, limit: number, idTail = ""): UsageItem => ({
            id: `/subscriptions/${subscription}${idTail}`,
            type: `Microsoft.MachineLearningServices/${type}`,
            unit: "Count",
            currentValue: (settings.inUse?.[value] ?? 0) + (used.get(`${type}|${value}`.toLowerCase()) ?? 0),
            limit,
            name: { value, localizedValue },
        });
        const rules = onlineQuotaRules();
        return [
            item(rules.totalDedicatedCores, "Total Cluster Dedicated Regional vCPUs", "totalDedicatedCores/usages", limitOf(settings.dedicated, rules.totalDedicatedCores, 0)),
            ...families.map((f) => item(f, `${familyLabel(f)} Cluster Dedicated vCPUs`, "vmFamily/dedicatedCores/usages", limitOf(settings.dedicated, f, 0), `/usages/${f.replace(/\s+/g, "_")}`)),
            item(rules.totalLowPriorityCores, "Total Cluster Low Priority Regional vCPUs", "totalLowPriorityCores/usages", limitOf(settings.lowPriority, rules.totalLowPriorityCores, 0)),
            ...families.map((f) => item(f, `${familyLabel(f)} Cluster LowPriority vCPUs`, "vmFamily/lowPriorityCores/usages", limitOf(settings.lowPriority, f, -1), `/usages/${f.replace(/\s+/g, "_")}`)),
        ];
    }

    /**
     * Why Azure refuses an online deployment's PUT for quota: what it adds (all of it for a new
     * one, its growth for one that runs) over the family's or the regional total's limit. Azure's
     * answer: 400 BadRequest "The request is invalid." with the reason in its details (the refusals
     * quoted in config/azureCatalog/onlineQuota.json).
     */
    refusal(ctx: RuleContext, id: ArmId, body: Record<string, any>, existing: StoredResource | undefined): Refusal | undefined {
        const size = this.sizeOf(body.properties?.instanceType);
        if (!size) return undefined;
        const rules = onlineQuotaRules();
        const runningSize = existing && this.sizeOf(existing.body.properties?.instanceType);
        const { additional } = coresAdded(rules, size, Number(body.sku?.capacity ?? 1), runningSize && { size: runningSize, instances: Number(existing!.body.sku?.capacity ?? 1) });
        if (additional <= 0) return undefined;
        const usages = this.usages((type) => ctx.ofType(type), id.subscription, body.location);
        const over = dedicatedQuotas(rules, usages, size.family).find((u) => u.limit >= 0 && u.currentValue + additional > u.limit);
        if (!over) return undefined;
        const problem = {
            errors: { VmSize: [notEnoughQuotaMessage(size.name, id.subscription, over.currentValue, over.limit, additional)] },
            type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            title: "One or more validation errors occurred.",
            status: 400,
        };
        return {
            status: 400,
            code: "BadRequest",
            message: "The request is invalid.",
            details: [{ code: "InferencingClientCreateDeploymentFailed", message: `InferencingClient HttpRequest error, error detail: ${JSON.stringify(problem)}` }],
        };
    }

    private settings(location: string): QuotaSettings {
        const fixture = JSON.parse(fs.readFileSync(this.fixtureFile, "utf8")) as QuotaFixture;
        const own = fixture.regions?.[regionOf(location)] ?? {};
        return {
            dedicated: { ...fixture.default.dedicated, ...own.dedicated },
            lowPriority: { ...fixture.default.lowPriority, ...own.lowPriority },
            inUse: { ...fixture.default.inUse, ...own.inUse },
        };
    }

    /** vCPUs this run's resources hold in a subscription's region, by `<usage type>|<name>` (lower case). */
    private used(ofType: (type: string) => StoredResource[], subscription: string, location: string): Map<string, number> {
        const rules = onlineQuotaRules();
        const used = new Map<string, number>();
        const add = (type: string, name: string, cores: number) => used.set(`${type}|${name}`.toLowerCase(), (used.get(`${type}|${name}`.toLowerCase()) ?? 0) + cores);
        const here = (r: StoredResource) => r.id.subscription.toLowerCase() === subscription.toLowerCase() && regionOf(r.body.location) === regionOf(location);
        for (const deployment of ofType(deploymentType).filter(here)) {
            const size = this.sizeOf(deployment.body.properties?.instanceType);
            if (!size) continue;
            const cores = this.deploymentHolds(deployment);
            add("vmFamily/dedicatedCores/usages", size.family, cores);
            add("totalDedicatedCores/usages", rules.totalDedicatedCores, cores);
        }
        for (const compute of ofType(computeType).filter(here)) {
            const properties = compute.body.properties?.properties ?? {};
            const size = this.sizeOf(properties.vmSize);
            const nodes = Number(properties.scaleSettings?.minNodeCount ?? 0);
            if (!size || nodes === 0) continue;
            const low = properties.vmPriority === "LowPriority";
            add(low ? "vmFamily/lowPriorityCores/usages" : "vmFamily/dedicatedCores/usages", size.family, nodes * size.vCPUs);
            add(low ? "totalLowPriorityCores/usages" : "totalDedicatedCores/usages", low ? rules.totalLowPriorityCores : rules.totalDedicatedCores, nodes * size.vCPUs);
        }
        return used;
    }

    private deploymentHolds(deployment: StoredResource): number {
        const size = this.sizeOf(deployment.body.properties?.instanceType);
        return size ? deploymentCores(onlineQuotaRules(), size.name, Number(deployment.body.sku?.capacity ?? 1), size.vCPUs) : 0;
    }

    private sizeOf(name: unknown): RecordedVmSize | undefined {
        return this.vmSizes().find((s) => s.name.toLowerCase() === String(name ?? "").toLowerCase());
    }
}

/** `standardDSv2Family` as Azure labels it: "Standard DSv2 Family" (families already spaced stay as they are). */
function familyLabel(family: string): string {
    const match = /^standard(.+)Family$/.exec(family);
    return match ? `Standard ${match[1]} Family` : family;
}
