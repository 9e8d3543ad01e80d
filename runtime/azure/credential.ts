import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import axios from "axios";
import { Clock, systemClock } from "../http/clock";

/** A credential that says which kind it is (for reports; never its secret). */
export interface LabelledCredential extends TokenCredential {
    readonly label: string;
}

/**
 * The Azure credential for calls the platform makes itself (Resource Manager, scoring, batch):
 * - in GitHub Actions with OIDC (id-token: write, and a client and tenant id set), a federated
 *   credential that fetches a fresh GitHub token whenever Entra needs one, so long runs keep
 *   working (an `az login` made from a GitHub token cannot get new tokens once that one expires);
 * - elsewhere DefaultAzureCredential (Azure CLI login, environment, workload or managed identity).
 * Tokens are cached per scope until shortly before they expire.
 */
export function azureCredential(env: NodeJS.ProcessEnv = process.env): LabelledCredential {
    // Required here: this code also runs inside dynamic providers, from serialized closures.
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    const clientId = env.AZURE_CLIENT_ID ?? env.ARM_CLIENT_ID;
    const tenantId = env.AZURE_TENANT_ID ?? env.ARM_TENANT_ID;
    if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN && clientId && tenantId) {
        const federated = new identity.ClientAssertionCredential(tenantId, clientId, () => githubOidcToken(env));
        return cachingCredential(federated, "GitHub Actions OIDC (federated credential)");
    }
    return cachingCredential(new identity.DefaultAzureCredential(), "DefaultAzureCredential");
}

/** A GitHub Actions OIDC token for Entra's token exchange. */
export async function githubOidcToken(env: NodeJS.ProcessEnv): Promise<string> {
    const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL!);
    url.searchParams.set("audience", "api://AzureADTokenExchange");
    const response = await axios.get(url.toString(), {
        headers: { Authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`, Accept: "application/json" },
        timeout: 30_000,
        validateStatus: () => true,
    });
    const value = (response.data as { value?: unknown } | undefined)?.value;
    if (response.status !== 200 || typeof value !== "string") {
        throw new Error(`GitHub did not issue an OIDC token (HTTP ${response.status}); does the job have permissions: id-token: write?`);
    }
    return value;
}

/** Reuses a token per scope until two minutes before it expires (some credentials start a process per call). */
export function cachingCredential(inner: TokenCredential, label: string, clock: Clock = systemClock): LabelledCredential {
    const cache = new Map<string, AccessToken>();
    return {
        label,
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
            const key = ([] as string[]).concat(scopes).join(" ");
            const cached = cache.get(key);
            if (cached && cached.expiresOnTimestamp - 120_000 > clock.now()) return cached;
            const token = await inner.getToken(scopes, options);
            if (!token) throw new Error(`no token for ${key}`);
            cache.set(key, token);
            return token;
        },
    };
}
