import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { azureCredential } from "../azure/credential";
import { TrafficWeights, wireWeights } from "../endpoints/trafficWire";
import { trafficWithout } from "../endpoints/trafficAway";
import { Clock, systemClock } from "../http/clock";
import { planRollout } from "../rollout/rolloutPlan";
import { formatRolloutReport, runRollout } from "../rollout/rolloutRunner";
import { RolloutSettings } from "../rollout/rolloutSettings";
import { rolloutLoad } from "../rollout/syntheticLoad";
import { formatSmokeReport } from "../smoke/smokeReport";
import { runSmokeTest } from "../smoke/smokeTest";
import { stableJson } from "../stableHash";
import { DatabricksClient } from "./databricksClient";
import { MetricsSampler } from "./servingMetrics";
import { LiveConfig, Routes, ServedEntitySpec, applyConfig, describeConfig, entityFingerprint, liveConfigOf, readEndpoint, sameEntities, sameRoutes, waitWhileUpdating } from "./servingConfig";
import { databricksScoringCredential, servingUrls } from "./servingUrls";

/** The smoke request a new or changed entity must answer, directly, before it gets any traffic. */
export interface EntityProbe {
    readonly requestText: string;
    readonly rows: number;
    readonly allowedPredictions: (number | string | boolean)[];
    readonly latencyBudgetMs: number;
}

export interface ServingConfigInputs {
    /** The workspace's `workspaceUrl`. */
    readonly workspaceUrl: string;
    readonly endpointName: string;
    /** Every served entity, by name. */
    readonly servedEntities: ServedEntitySpec[];
    /** Percent of traffic per entity, summing to 100. */
    readonly routes: Record<string, number>;
    /** Each config update (waits and retries included) ends within this. */
    readonly timeoutSeconds: number;
    /** Raise an entity's route in watched steps (runtime/rollout/); absent: the routes in one update. */
    readonly rollout?: RolloutSettings;
    readonly probe?: EntityProbe;
}

export interface ServingConfigOutputs extends ServingConfigInputs {
    /** What the endpoint served after the last apply or refresh. */
    readonly applied: { entities: ServedEntitySpec[]; routes: Record<string, number> };
    /** The last rollout's report, a line per window; absent: the last change needed none. */
    readonly lastRollout?: string[];
}

export interface ServingConfigHooks {
    readonly credential?: TokenCredential;
    readonly clock?: Clock;
    readonly pollIntervalMs?: number;
    readonly progress?: (line: string) => void;
}

/**
 * Dynamic provider of a Databricks serving endpoint's served entities and routes: the one owner of
 * the endpoint's config (the `ModelServing` resource is declared without one). Databricks takes
 * entities and routes in one PUT, keeps serving the old config until the new one is ready, and
 * takes one update at a time (servingConfig.ts). Each apply, in order:
 * 1. entities: new or changed ones added at the routes they had (a new one at 0%);
 * 2. each new or changed entity scored directly with the smoke request: a wrong answer puts back
 *    the config that served before, so no bad model keeps serving, and fails the update;
 * 3. routes: in one update, or, with a rollout, in watched steps judged on the endpoint's metrics
 *    (a failed step puts back the routes from before, without the entities this update changed).
 */
export class ServingConfigProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly hooks: ServingConfigHooks = {}) {}

    async create(inputs: ServingConfigInputs): Promise<pulumi.dynamic.CreateResult> {
        const outs = await this.deliver(inputs);
        return { id: `${inputs.workspaceUrl}/serving-endpoints/${inputs.endpointName}/config`, outs };
    }

    async update(_id: string, _olds: ServingConfigOutputs, news: ServingConfigInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: await this.deliver(news) };
    }

    /** The endpoint's own resource deletes the endpoint, its config with it; an endpoint has no config-less state to go back to. */
    async delete(): Promise<void> {}

    async read(id: string, props: ServingConfigOutputs): Promise<pulumi.dynamic.ReadResult> {
        const endpoint = await readEndpoint(this.client(props), props.endpointName);
        if (!endpoint) return {};
        return { id, props: { ...props, applied: appliedOf(liveConfigOf(endpoint)) } };
    }

    async diff(_id: string, olds: ServingConfigOutputs, news: ServingConfigInputs): Promise<pulumi.dynamic.DiffResult> {
        const replaces = (["workspaceUrl", "endpointName"] as const).filter((key) => olds[key] !== news[key]);
        const declared = (x: ServingConfigInputs) => stableJson({ e: x.servedEntities, r: x.routes, t: x.timeoutSeconds, ro: x.rollout ?? null, p: x.probe ?? null });
        const changes = replaces.length > 0 || declared(olds) !== declared(news) || (await this.liveDiffers(news));
        return { changes, replaces, deleteBeforeReplace: false };
    }

    /**
     * Whether the endpoint serves other entities or routes than declared: a change made by hand in
     * the workspace, or a rollout that rolled back, shows on the next preview without a refresh.
     */
    private async liveDiffers(news: ServingConfigInputs): Promise<boolean> {
        // In a preview where the workspace or the endpoint is being replaced, their names are not known yet: nothing live to compare.
        if ([news.workspaceUrl, news.endpointName].some((value) => String(value).includes(pulumi.runtime.unknownValue))) return false;
        const endpoint = await readEndpoint(this.client(news), news.endpointName);
        if (!endpoint) return false; // gone: the endpoint's own resource (and a refresh) deal with that
        const live = liveConfigOf(endpoint);
        return !sameEntities(live.entities, news.servedEntities) || !sameRoutes(live.routes, news.routes);
    }

    private async deliver(news: ServingConfigInputs): Promise<ServingConfigOutputs> {
        const endpoint = news.endpointName;
        const before = liveConfigOf(await waitWhileUpdating(this.client(news), endpoint, this.applyHooks()));
        const changed = changedEntities(before, news.servedEntities);
        let current = before;
        if (!sameEntities(before.entities, news.servedEntities)) {
            const routes = entityStepRoutes(before, news);
            this.progress(`serving endpoint ${endpoint}: entities ${describeConfig({ entities: news.servedEntities, routes })}`);
            current = await applyConfig(this.client(news), endpoint, news.servedEntities, routes, this.applyHooks());
        }
        if (news.probe && changed.size > 0) await this.probeEntities(news, [...changed].sort(), before);
        let lastRollout: string[] | undefined;
        if (!sameRoutes(current.routes, news.routes)) {
            lastRollout = await this.moveRoutes(news, current, before, changed);
            current = liveConfigOf(await waitWhileUpdating(this.client(news), endpoint, this.applyHooks()));
        }
        return { ...news, applied: appliedOf(current), ...(lastRollout && { lastRollout }) };
    }

    /** Scores each new or changed entity directly; a failure puts back what served before this update. */
    private async probeEntities(news: ServingConfigInputs, entities: string[], before: LiveConfig): Promise<void> {
        const probe = news.probe!;
        const urls = servingUrls(news.workspaceUrl, news.endpointName);
        const report = await runSmokeTest({
            scoringUri: urls.invocations,
            deploymentUrl: urls.entity,
            targetLabel: "served entity",
            request: { text: probe.requestText, rows: probe.rows },
            credential: databricksScoringCredential(this.credential()),
            deployments: entities,
            throughRouting: false,
            allowedPredictions: probe.allowedPredictions,
            latencyBudgetMs: probe.latencyBudgetMs,
            timeoutMs: news.timeoutSeconds * 1000,
            clock: this.hooks.clock,
        });
        if (report.passed) {
            this.progress(`serving endpoint ${news.endpointName}: ${entities.join(", ")} answered the smoke request directly before any traffic`);
            return;
        }
        let restored = "the endpoint had no config before: nothing to put back";
        if (before.entities.length > 0) {
            await applyConfig(this.client(news), news.endpointName, before.entities, before.routes, this.applyHooks());
            restored = `the config that served before is back: ${describeConfig(before)}`;
        }
        throw new Error(`served entities ${entities.join(", ")} answered the smoke request wrong before any traffic reached them; ${restored}\n${formatSmokeReport(report)}`);
    }

    /** The declared routes, in one update or through the rollout's watched steps. */
    private async moveRoutes(news: ServingConfigInputs, current: LiveConfig, before: LiveConfig, changed: Set<string>): Promise<string[] | undefined> {
        const put = async (routes: Routes) => {
            await applyConfig(this.client(news), news.endpointName, news.servedEntities, routes, this.applyHooks());
        };
        const rollout = news.rollout;
        const plan = rollout?.enabled ? planRollout(weights(current.routes), weights(news.routes), rollout) : undefined;
        if (!rollout || !plan) {
            this.progress(`serving endpoint ${news.endpointName}: routes ${JSON.stringify(news.routes)}`);
            await put(news.routes);
            return undefined;
        }
        // A failed rollout leaves no traffic on an entity this update added or changed, nor on a
        // canary that had none when it began: it never gets back more than it had.
        const taken = new Set(changed);
        if ((current.routes[plan.canary] ?? 0) === 0) taken.add(plan.canary);
        const previous = Object.keys(wireWeights(before.routes)).length > 0 ? weights(before.routes) : plan.start;
        const restoreTo = trafficWithout(previous, taken).weights;
        const client = this.client(news);
        const sampler = new MetricsSampler(client, news.endpointName);
        const urls = servingUrls(news.workspaceUrl, news.endpointName);
        const credential = databricksScoringCredential(this.credential());
        sampler.start();
        try {
            const report = await runRollout(
                plan,
                rollout,
                {
                    apply: (stage) => put(routesOf(stage, news.servedEntities)),
                    measure: (entity, from, to) => sampler.measure(entity, from, to),
                    startLoad: rolloutLoad(rollout, { scoringUri: urls.invocations, deploymentUrl: urls.entity, credential, clock: this.hooks.clock }),
                    progress: (line) => this.progress(line),
                    clock: this.hooks.clock,
                },
                restoreTo,
            );
            const text = formatRolloutReport(report);
            if (report.outcome === "rolled back") throw new Error(`progressive rollout failed; routes restored\n${text}`);
            return text.split("\n");
        } finally {
            await sampler.stop();
        }
    }

    private client(target: Pick<ServingConfigInputs, "workspaceUrl" | "timeoutSeconds">): DatabricksClient {
        const clock = this.hooks.clock ?? systemClock;
        return new DatabricksClient({ workspaceUrl: target.workspaceUrl, credential: this.credential(), deadline: clock.now() + target.timeoutSeconds * 1000, clock });
    }

    private credential(): TokenCredential {
        return this.hooks.credential ?? azureCredential();
    }

    private applyHooks() {
        return { pollIntervalMs: this.hooks.pollIntervalMs, progress: (line: string) => this.progress(line) };
    }

    /** A line for the engine's display while the update runs: the provider's stderr, unless a test collects them. */
    private progress(line: string): void {
        if (this.hooks.progress) this.hooks.progress(line);
        else process.stderr.write(`${line}\n`);
    }
}

/** Entities new to the endpoint, or serving another model, size or scaling than before. */
export function changedEntities(before: LiveConfig, declared: readonly ServedEntitySpec[]): Set<string> {
    const was = new Map(before.entities.map((e) => [e.name, entityFingerprint(e)]));
    return new Set(declared.filter((e) => was.get(e.name) !== entityFingerprint(e)).map((e) => e.name));
}

/**
 * The routes of the update that brings in the declared entities: only the route steps move traffic
 * to a new model. Each unchanged entity keeps its live share; a new entity gets 0%; an entity whose
 * model, size or scaling changed under the same name gets 0% too, its share going to the unchanged
 * entities that serve (runtime/endpoints/trafficAway.ts), so the new model is probed and rolled out
 * like a new entity (it keeps its share only when no unchanged entity serves, or the endpoint would
 * answer nothing). When a removed entity had traffic, or the endpoint has no config yet, the shares
 * cannot be kept: the declared routes (or, with a rollout, its starting point) are used.
 */
export function entityStepRoutes(before: LiveConfig, news: ServingConfigInputs): Routes {
    const names = new Set(before.entities.map((e) => e.name));
    const kept = Object.fromEntries(news.servedEntities.map((e) => [e.name, names.has(e.name) ? (before.routes[e.name] ?? 0) : 0]));
    if (before.entities.length > 0 && Object.values(kept).reduce((sum, w) => sum + w, 0) === 100) {
        const changed = new Set([...changedEntities(before, news.servedEntities)].map((name) => name.toLowerCase()));
        return routesOf(trafficWithout(weights(kept), changed).weights, news.servedEntities);
    }
    const plan = news.rollout?.enabled && before.entities.length === 0 ? planRollout(weights({}), weights(news.routes), news.rollout) : undefined;
    return plan ? routesOf(plan.start, news.servedEntities) : news.routes;
}

/** Routes as the rollout's weight maps (no zeros, as planRollout expects). */
function weights(routes: Routes): TrafficWeights {
    return { traffic: wireWeights(routes), mirrorTraffic: {} };
}

/** A rollout stage's weights as routes for every declared entity (0 where the stage names none). */
function routesOf(stage: TrafficWeights, entities: readonly ServedEntitySpec[]): Routes {
    const live = wireWeights(stage.traffic);
    return Object.fromEntries(entities.map((e) => [e.name, live[e.name.toLowerCase()] ?? 0]));
}

function appliedOf(live: LiveConfig): ServingConfigOutputs["applied"] {
    return { entities: [...live.entities], routes: { ...live.routes } };
}
