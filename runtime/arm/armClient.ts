import type { TokenCredential } from "@azure/identity";
import type { AxiosResponse, Method } from "axios";
import { Clock, systemClock } from "../http/clock";
import { retryAfterMs } from "../http/retryAfter";
import { retryingRequest } from "../http/retryingRequest";
import { ArmError, armError, azureErrorText, isArmError } from "./armError";
import { AzureCloud, machineLearningApiVersion, resourceManagerScope, resourceManagerUrl } from "./clouds";

export interface ArmClientOptions {
    /** Resource Manager URL, e.g. https://management.azure.com (see clouds.ts). */
    readonly baseUrl: string;
    /** Token scope, e.g. https://management.azure.com/.default. */
    readonly scope: string;
    readonly credential: TokenCredential;
    readonly apiVersion: string;
    /** Everything one client does (retries and long-running operations included) ends by then. */
    readonly timeoutMs: number;
    /** One HTTP exchange gives up after this long (a hung server). Default 60 s. */
    readonly requestTimeoutMs?: number;
    /** Wait between polls of a long-running operation when Azure sends no Retry-After. Default 5 s. */
    readonly pollIntervalMs?: number;
    /** First retry delay when Azure sends no Retry-After; doubles up to 60 s. Default 2 s. */
    readonly retryBaseMs?: number;
    readonly clock?: Clock;
    /** Which answers are retried (default: the platform's own policy, `platformRetries`). */
    readonly retries?: RetryPolicy;
}

/** Whether an answer with this status and Azure error code is worth another attempt. */
export type RetryPolicy = (status: number, code: string | undefined) => boolean;

// Arrays, not Sets: this module runs inside a dynamic provider, and Pulumi's closure
// serialization turns a captured Set into a plain object.
/** 409: the endpoint is busy with another operation. 429: throttled. 5xx: Azure's side. */
const retryableStatuses = [408, 409, 429, 500, 502, 503, 504];

/** The platform's own calls wait out any 409: an endpoint busy with another operation finishes it. */
export const platformRetries: RetryPolicy = (status) => retryableStatuses.includes(status);

/**
 * What the real azure-native provider retries (`client_azcore.go`): 408, 429, 5xx, and a 409 only
 * when Azure's code is `AnotherOperationInProgress`; any other 409 fails at once.
 */
export const azureNativeRetries: RetryPolicy = (status, code) =>
    status === 409 ? code === "AnotherOperationInProgress" : retryableStatuses.includes(status);
const terminalFailures = ["Failed", "Canceled", "Cancelled"];

/**
 * The few Resource Manager calls the platform makes itself, done as Azure asks: retries for 409,
 * 429 (honouring Retry-After) and 5xx, long-running operations followed to their end, all within
 * one deadline, and Azure's own error message surfaced on failure. Never logs or returns the token.
 */
export class ArmClient {
    private readonly clock: Clock;
    private readonly deadline: number;

    constructor(private readonly options: ArmClientOptions) {
        this.clock = options.clock ?? systemClock;
        this.deadline = this.clock.now() + options.timeoutMs;
    }

    /** GET a resource; an ArmError with status 404 when it does not exist. */
    async get(path: string): Promise<Record<string, any>> {
        return (await this.send("GET", this.url(path))).data as Record<string, any>;
    }

    /** GET a resource, or undefined when Azure answers 404; any other failure is thrown. */
    async find(path: string): Promise<Record<string, any> | undefined> {
        try {
            return await this.get(path);
        } catch (err) {
            if (isArmError(err) && err.status === 404) return undefined;
            throw err;
        }
    }

    /** Whether a resource exists (GET 200 with a body), as the real azure-native provider checks before a create. */
    async exists(path: string): Promise<boolean> {
        const found = await this.find(path);
        return found !== null && typeof found === "object" && Object.keys(found).length > 0;
    }

    /**
     * PUT a resource, wait for the operation to finish, and return the resource as Azure now has it.
     * A failure once Azure has taken the request is an ArmError marked `accepted`: the resource
     * exists then, perhaps in state Failed.
     */
    async putAndWait(path: string, body: unknown): Promise<Record<string, any>> {
        const response = await this.send("PUT", this.url(path), body);
        try {
            await this.waitForOperation(`PUT ${path}`, response);
            return await this.get(path);
        } catch (err) {
            throw isArmError(err) ? Object.assign(err, { accepted: true }) : err;
        }
    }

    /** DELETE a resource and wait for the operation to finish; a resource already gone is fine. */
    async deleteAndWait(path: string): Promise<void> {
        let response: AxiosResponse;
        try {
            response = await this.send("DELETE", this.url(path));
        } catch (err) {
            if (isArmError(err) && err.status === 404) return;
            throw err;
        }
        await this.waitForOperation(`DELETE ${path}`, response);
    }

    /**
     * Every item of a list (`value`), following `nextLink` page by page as Azure pages lists. A
     * next link off this client's Resource Manager is refused: the token is never sent elsewhere.
     */
    async list(path: string): Promise<Record<string, any>[]> {
        const items: Record<string, any>[] = [];
        let url: string | undefined = this.url(path);
        while (url) {
            const page = (await this.send("GET", url)).data as { value?: Record<string, any>[]; nextLink?: string | null };
            items.push(...(page.value ?? []));
            url = page.nextLink ?? undefined;
            if (url && !url.startsWith(`${this.options.baseUrl}/`)) throw armError(`refusing to follow a nextLink off ${this.options.baseUrl}: ${displayPath(url)}`);
        }
        return items;
    }

    /** POST an action (e.g. `listKeys`, `token`) and return its answer. */
    async post(path: string, body: unknown = {}): Promise<Record<string, any>> {
        return (await this.send("POST", this.url(path), body)).data as Record<string, any>;
    }

    private url(path: string): string {
        const separator = path.includes("?") ? "&" : "?";
        return `${this.options.baseUrl}${path}${separator}api-version=${this.options.apiVersion}`;
    }

    /** One call, retried while Azure says "later" and the deadline allows. */
    private async send(method: Method, url: string, body?: unknown): Promise<AxiosResponse> {
        const what = `${method} ${displayPath(url)}`;
        const outcome = await retryingRequest({
            method,
            url,
            data: body,
            headers: async () => ({ Authorization: `Bearer ${await this.token()}`, "Content-Type": "application/json" }),
            deadline: this.deadline,
            attemptTimeoutMs: this.options.requestTimeoutMs ?? 60_000,
            retryable: (status, _headers, data) => (this.options.retries ?? platformRetries)(status, azureErrorText(data).code),
            backoffBaseMs: this.options.retryBaseMs ?? 2000,
            maxBackoffMs: 60_000,
            clock: this.clock,
        });
        if (outcome.kind === "gaveUp") {
            throw this.gaveUp(what, outcome.lastResponse ? describeAnswer(outcome.lastResponse) : outcome.lastProblem);
        }
        const response = outcome.response;
        if (response.status < 400) return response;
        throw armError(`${what} failed: ${describeAnswer(response)}`, response.status, azureErrorText(response.data).code);
    }

    /**
     * Follows a long-running operation: `Azure-AsyncOperation` (polled until its status is
     * terminal) or, for 202 answers, `Location` (polled until it stops answering 202).
     */
    private async waitForOperation(what: string, response: AxiosResponse): Promise<void> {
        const asyncUrl = header(response, "azure-asyncoperation");
        const locationUrl = response.status === 202 ? header(response, "location") : undefined;
        const pollUrl = asyncUrl ?? locationUrl;
        if (!pollUrl) return;
        this.assertSameOrigin(pollUrl);
        let last = response;
        let status = "InProgress";
        for (;;) {
            const delay = retryAfterMs(last.headers["retry-after"], this.clock.now()) ?? this.options.pollIntervalMs ?? 5000;
            await this.waitBeforeRetry(what, delay, `operation still ${status}`);
            last = await this.send("GET", pollUrl);
            if (asyncUrl) {
                status = String((last.data as Record<string, unknown>)?.status ?? "InProgress");
                if (status === "Succeeded") return;
                if (terminalFailures.includes(status)) {
                    const azure = azureErrorText(last.data);
                    throw armError(`${what}: the operation ended ${status}${azure.text ? `: ${azure.text}` : ""}`, undefined, azure.code);
                }
            } else if (last.status !== 202) {
                return;
            }
        }
    }

    /** Waits before looking again at something Azure is still doing, within the same deadline. */
    async waitBeforeRetry(what: string, delayMs: number, lastProblem: string): Promise<void> {
        if (this.clock.now() + delayMs > this.deadline) throw this.gaveUp(what, lastProblem);
        await this.clock.sleep(delayMs);
    }

    private gaveUp(what: string, lastProblem: string): ArmError {
        const seconds = Math.round(this.options.timeoutMs / 1000);
        return armError(`gave up on ${what} after ${seconds} s; last answer: ${lastProblem}`);
    }

    private async token(): Promise<string> {
        try {
            const token = await this.options.credential.getToken(this.options.scope);
            if (!token) throw new Error("the credential returned no token");
            return token.token;
        } catch (err) {
            const reason = (err as Error).message.split("\n")[0];
            throw armError(`could not get an Azure token for ${this.options.scope}: ${reason}`);
        }
    }

    /** Polling URLs come from the server; the token is only ever sent back to Resource Manager itself. */
    private assertSameOrigin(url: string): void {
        if (new URL(url).origin !== new URL(this.options.baseUrl).origin) {
            throw armError(`refusing to poll ${new URL(url).origin}: not ${new URL(this.options.baseUrl).origin}`);
        }
    }
}

/** "409 Conflict: Endpoint is busy..." from an answer. */
function describeAnswer(response: AxiosResponse): string {
    const azure = azureErrorText(response.data);
    return `${response.status}${azure.text ? ` ${azure.text}` : ""}`;
}

function header(response: AxiosResponse, name: string): string | undefined {
    const value = response.headers[name];
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** The path of a URL without its query, for messages. */
function displayPath(url: string): string {
    return new URL(url).pathname;
}

/** A client for a cloud's Resource Manager (its URL and token scope), Azure ML's API version unless told. */
export function armClientFor(
    cloud: AzureCloud,
    options: Omit<ArmClientOptions, "baseUrl" | "scope" | "apiVersion"> & { readonly apiVersion?: string },
): ArmClient {
    return new ArmClient({
        ...options,
        baseUrl: resourceManagerUrl(cloud),
        scope: resourceManagerScope(cloud),
        apiVersion: options.apiVersion ?? machineLearningApiVersion,
    });
}
