import type { TokenCredential } from "@azure/identity";
import { Clock, systemClock } from "../http/clock";
import { retryingRequest } from "../http/retryingRequest";
import { azureDatabricksScope, databricksBaseUrl } from "./workspaceUrl";

/** Databricks' error answer: `{"error_code": "...", "message": "..."}` with its HTTP status. */
export class DatabricksError extends Error {
    constructor(
        readonly status: number,
        readonly errorCode: string,
        message: string,
    ) {
        super(message);
        this.name = "DatabricksError";
    }
}

export function isDatabricksError(err: unknown, status?: number): err is DatabricksError {
    return err instanceof DatabricksError && (status === undefined || err.status === status);
}

export interface DatabricksClientOptions {
    /** The workspace's `workspaceUrl` (`adb-<id>.<n>.azuredatabricks.net`). */
    readonly workspaceUrl: string;
    /** Entra credential: its token for Azure Databricks' application is the bearer (databricks-sdk-py azure auth). */
    readonly credential: TokenCredential;
    /** Every call, retries included, ends by this absolute time (clock ms). */
    readonly deadline: number;
    readonly clock?: Clock;
    /** First retry wait without Retry-After (doubles up to 15 s). Default 1 s. */
    readonly retryBaseMs?: number;
}

/**
 * A Databricks workspace's REST API as the program calls it itself (the registry, serving configs,
 * metrics): JSON in, JSON out, a fresh Entra token for Azure Databricks each attempt, 429 and 5xx
 * retried (Retry-After honoured) until the deadline, every other error thrown as Databricks gave it.
 */
export class DatabricksClient {
    readonly baseUrl: string;
    private readonly clock: Clock;

    constructor(private readonly options: DatabricksClientOptions) {
        this.baseUrl = databricksBaseUrl(options.workspaceUrl);
        this.clock = options.clock ?? systemClock;
    }

    get<T = any>(path: string, query?: Record<string, string>): Promise<T> {
        const search = query ? `?${new URLSearchParams(query).toString()}` : "";
        return this.call<T>("GET", `${path}${search}`);
    }

    post<T = any>(path: string, body: unknown): Promise<T> {
        return this.call<T>("POST", path, body);
    }

    put<T = any>(path: string, body: unknown): Promise<T> {
        return this.call<T>("PUT", path, body);
    }

    patch<T = any>(path: string, body: unknown): Promise<T> {
        return this.call<T>("PATCH", path, body);
    }

    /** A text answer (the metrics export), or the error Databricks gave. */
    async text(path: string): Promise<string> {
        return this.call<string>("GET", path, undefined, true);
    }

    get now(): number {
        return this.clock.now();
    }

    sleep(ms: number): Promise<void> {
        return this.clock.sleep(ms);
    }

    private async call<T>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown, asText = false): Promise<T> {
        const outcome = await retryingRequest({
            method,
            url: `${this.baseUrl}${path}`,
            data: body,
            headers: async () => ({ Authorization: `Bearer ${await this.token()}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) }),
            deadline: this.options.deadline,
            attemptTimeoutMs: 60_000,
            // Only what cannot have acted twice is retried: throttling and server errors.
            retryable: (status) => status === 429 || status >= 500,
            retryNoAnswer: method === "GET",
            backoffBaseMs: this.options.retryBaseMs ?? 1000,
            maxBackoffMs: 15_000,
            asText,
            clock: this.clock,
        });
        const response = outcome.kind === "answer" ? outcome.response : outcome.lastResponse;
        if (!response) throw new Error(`${method} ${path} on Databricks workspace ${this.options.workspaceUrl}: ${outcome.kind === "gaveUp" ? outcome.lastProblem : "no answer"}`);
        if (response.status >= 200 && response.status < 300) return response.data as T;
        const data = (typeof response.data === "string" ? safeJson(response.data) : response.data) as { error_code?: string; message?: string } | undefined;
        throw new DatabricksError(
            response.status,
            data?.error_code ?? `HTTP_${response.status}`,
            `${method} ${path.split("?")[0]} on Databricks workspace ${this.options.workspaceUrl}: HTTP ${response.status} ${data?.error_code ?? ""} ${data?.message ?? String(response.data ?? "").slice(0, 300)}`.trim(),
        );
    }

    private async token(): Promise<string> {
        const token = await this.options.credential.getToken(azureDatabricksScope);
        if (!token) throw new Error(`no Entra token for Azure Databricks (${azureDatabricksScope})`);
        return token.token;
    }
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
