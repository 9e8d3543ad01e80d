import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { azureCredential } from "../azure/credential";
import { Clock } from "../http/clock";
import { LoadCheckOptions } from "../scoring/loadCheck";
import { formatSmokeReport } from "../smoke/smokeReport";
import { SmokeReport, runSmokeTest } from "../smoke/smokeTest";
import { stableJson } from "../stableHash";
import { databricksScoringCredential, servingUrls } from "./servingUrls";

export interface ServingSmokeInputs {
    readonly workspaceUrl: string;
    readonly endpointName: string;
    /** Served entities scored directly, whatever their routes. */
    readonly entities: string[];
    /** The served entities and routes as the config resource applied them: a change runs the test again. */
    readonly applied: unknown;
    /** The request file's text, sent byte for byte. */
    readonly requestText: string;
    readonly rows: number;
    readonly allowedPredictions: (number | string | boolean)[];
    readonly latencyBudgetMs: number;
    readonly timeoutSeconds: number;
    readonly load?: LoadCheckOptions;
}

export interface ServingSmokeOutputs extends ServingSmokeInputs {
    /** A summary of the last passing run: never a credential or a prediction payload. */
    readonly lastRun: { passed: boolean; checks: { name: string; status?: number; latencyMs: number }[] };
}

/**
 * The post-deploy smoke test of a Databricks serving endpoint: the request file, byte for byte, to
 * each served entity directly (`/served-models/{entity}/invocations`), then through the routes,
 * then the optional load check; each answer must be `{"predictions": [...]}` with one allowed
 * prediction per row, within the latency budget. A failure fails the update with the report. The
 * bearer is an Entra token for Azure Databricks, obtained when it runs (never an input or state).
 */
export class ServingSmokeProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly hooks: { readonly credential?: TokenCredential; readonly clock?: Clock; readonly retryBaseMs?: number } = {}) {}

    async create(inputs: ServingSmokeInputs): Promise<pulumi.dynamic.CreateResult> {
        return { id: `${inputs.workspaceUrl}/serving-endpoints/${inputs.endpointName}/smokeTest`, outs: await this.run(inputs) };
    }

    async update(_id: string, _olds: ServingSmokeOutputs, news: ServingSmokeInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: await this.run(news) };
    }

    async diff(_id: string, olds: ServingSmokeOutputs, news: ServingSmokeInputs): Promise<pulumi.dynamic.DiffResult> {
        const { lastRun: _lastRun, ...oldInputs } = olds;
        return { changes: stableJson(oldInputs) !== stableJson(news), replaces: [], deleteBeforeReplace: false };
    }

    /** Nothing lives in the workspace: deleting the test is forgetting it. */
    async delete(): Promise<void> {}

    private async run(inputs: ServingSmokeInputs): Promise<ServingSmokeOutputs> {
        const urls = servingUrls(inputs.workspaceUrl, inputs.endpointName);
        const report = await runSmokeTest({
            scoringUri: urls.invocations,
            deploymentUrl: urls.entity,
            targetLabel: "served entity",
            request: { text: inputs.requestText, rows: inputs.rows },
            credential: databricksScoringCredential(this.hooks.credential ?? azureCredential()),
            deployments: inputs.entities,
            throughRouting: true,
            allowedPredictions: inputs.allowedPredictions,
            latencyBudgetMs: inputs.latencyBudgetMs,
            timeoutMs: inputs.timeoutSeconds * 1000,
            load: inputs.load,
            retryBaseMs: this.hooks.retryBaseMs,
            clock: this.hooks.clock,
        });
        if (!report.passed) throw new Error(`post-deploy smoke test of serving endpoint ${inputs.endpointName} failed\n${formatSmokeReport(report)}`);
        return { ...inputs, lastRun: summary(report) };
    }
}

function summary(report: SmokeReport): ServingSmokeOutputs["lastRun"] {
    return { passed: report.passed, checks: report.checks.map((c) => ({ name: c.name, status: c.status, latencyMs: c.latencyMs })) };
}
