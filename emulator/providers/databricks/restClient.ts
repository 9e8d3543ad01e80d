import { azureCredential } from "../../../runtime/azure/credential";
import { azureDatabricksScope, databricksBaseUrl } from "../../../runtime/databricks/workspaceUrl";
import { ProviderConfig, resolveHost } from "./providerConfig";

/** An error answer of a workspace's REST API: `{"error_code", "message"}` with its status (databricks-sdk-go `apierr.APIError`). */
export class DatabricksApiError extends Error {
    constructor(
        readonly status: number,
        readonly errorCode: string,
        readonly apiMessage: string,
        readonly request: string,
    ) {
        super(`${errorCode}: ${apiMessage} (HTTP ${status}, ${request})`);
        this.name = "DatabricksApiError";
    }
}

/**
 * Whether an error says the object is gone: HTTP 404, or one of the codes databricks-sdk-go maps to
 * `ErrNotFound`/`ErrResourceDoesNotExist` (`apierr.IsMissing`), which the real provider treats as
 * "removed outside Pulumi" on read and as done on delete.
 */
export function isMissing(err: unknown): boolean {
    return err instanceof DatabricksApiError && (err.status === 404 || err.errorCode === "RESOURCE_DOES_NOT_EXIST" || err.errorCode === "NOT_FOUND");
}

export interface RestClientOptions {
    /** Milliseconds between polls of a long-running state (the real SDK backs off up to 10 s; locally there is no need). */
    readonly pollMs?: number;
    readonly env?: NodeJS.ProcessEnv;
}

/**
 * A workspace's REST API as databricks-sdk-go calls it for the real provider: JSON bodies, a bearer
 * token (a PAT from the configuration, else an Entra token for Azure Databricks' application from
 * the Azure CLI, here the stand-in `az`), `X-Databricks-Azure-Workspace-Resource-Id` when the
 * configuration names the workspace, 429 and 503 retried for up to 5 minutes (the SDK's default
 * `retry_timeout_seconds`, honouring Retry-After), every other error thrown with Databricks'
 * error_code and message. The host goes through runtime/databricks/workspaceUrl.ts; this stand-in
 * refuses to run without `DATABRICKS_EMULATOR_URL`, so it never calls beyond this machine.
 */
export class DatabricksRestClient {
    private baseUrl?: Promise<string>;
    private credential?: ReturnType<typeof azureCredential>;
    readonly pollMs: number;
    private readonly env: NodeJS.ProcessEnv;

    constructor(
        private readonly config: () => ProviderConfig,
        options: RestClientOptions = {},
    ) {
        this.pollMs = options.pollMs ?? 250;
        this.env = options.env ?? process.env;
    }

    /** The workspace host the configuration resolves to (`adb-<id>.<n>.azuredatabricks.net`). */
    async host(): Promise<string> {
        return new URL(await this.base()).pathname.split("/").filter(Boolean).pop() ?? "";
    }

    get<T = any>(path: string, query: Record<string, string> = {}): Promise<T> {
        const search = new URLSearchParams(query).toString();
        return this.call<T>("GET", search ? `${path}?${search}` : path);
    }

    post<T = any>(path: string, body: unknown = {}): Promise<T> {
        return this.call<T>("POST", path, body);
    }

    put<T = any>(path: string, body: unknown): Promise<T> {
        return this.call<T>("PUT", path, body);
    }

    patch<T = any>(path: string, body: unknown): Promise<T> {
        return this.call<T>("PATCH", path, body);
    }

    delete<T = any>(path: string, body?: unknown): Promise<T> {
        return this.call<T>("DELETE", path, body);
    }

    sleep(ms = this.pollMs): Promise<void> {
        return new Promise((resolve) => setTimeout(resolve, ms));
    }

    private base(): Promise<string> {
        if (!this.env.DATABRICKS_EMULATOR_URL) {
            return Promise.reject(new Error("the local databricks provider only talks to the local Databricks: DATABRICKS_EMULATOR_URL is not set (the local Azure sets it)"));
        }
        this.baseUrl ??= resolveHost(this.config()).then((host) => databricksBaseUrl(host, this.env));
        return this.baseUrl;
    }

    private async headers(): Promise<Record<string, string>> {
        const config = this.config();
        this.credential ??= azureCredential(this.env);
        const token = config.token ?? (await this.credential.getToken(azureDatabricksScope))?.token;
        if (!token) throw new Error(`no Entra token for Azure Databricks (${azureDatabricksScope})`);
        return {
            Authorization: `Bearer ${token}`,
            "Content-Type": "application/json",
            "User-Agent": "databricks-tf-provider/1.110.0 pulumi/1.110.0 (local stand-in)",
            ...(config.azureWorkspaceResourceId ? { "X-Databricks-Azure-Workspace-Resource-Id": config.azureWorkspaceResourceId } : {}),
        };
    }

    private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
        const url = `${await this.base()}${path}`;
        const deadline = Date.now() + 5 * 60_000;
        for (let attempt = 1; ; attempt++) {
            const answer = await fetch(url, { method, headers: await this.headers(), body: body === undefined ? undefined : JSON.stringify(body) });
            const text = await answer.text();
            if (answer.ok) return (text ? JSON.parse(text) : {}) as T;
            const retryAfter = Number(answer.headers.get("retry-after"));
            const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(10_000, 500 * 2 ** (attempt - 1));
            if ((answer.status === 429 || answer.status === 503) && Date.now() + wait < deadline) {
                await this.sleep(wait);
                continue;
            }
            throw apiError(answer.status, text, `${method} ${path.split("?")[0]}`);
        }
    }
}

function apiError(status: number, text: string, request: string): DatabricksApiError {
    let parsed: any;
    try {
        parsed = JSON.parse(text);
    } catch {
        parsed = undefined;
    }
    const code = typeof parsed?.error_code === "string" ? parsed.error_code : `HTTP_${status}`;
    const message = typeof parsed?.message === "string" ? parsed.message : text.slice(0, 500) || `HTTP ${status}`;
    return new DatabricksApiError(status, code, message, request);
}
