import type { TokenCredential } from "@azure/identity";
import type { LabelledCredential } from "../azure/credential";
import { ScoringCredential } from "../scoring/scoringCredential";
import { azureDatabricksScope, databricksBaseUrl } from "./workspaceUrl";

/** Where a serving endpoint answers: through its routes, and each served entity directly. */
export interface ServingUrls {
    /** `POST /serving-endpoints/{name}/invocations`: by the routes; the answer names its entity in `served-model-name`. */
    readonly invocations: string;
    /** `POST /serving-endpoints/{name}/served-models/{entity}/invocations`: that entity, whatever its route. */
    entity(name: string): string;
}

export function servingUrls(workspaceUrl: string, endpoint: string): ServingUrls {
    const base = `${databricksBaseUrl(workspaceUrl)}/serving-endpoints/${encodeURIComponent(endpoint)}`;
    return { invocations: `${base}/invocations`, entity: (name) => `${base}/served-models/${encodeURIComponent(name)}/invocations` };
}

/** The bearer a serving endpoint takes from an Azure identity: its Entra token for Azure Databricks. */
export function databricksScoringCredential(credential: TokenCredential): ScoringCredential {
    return {
        source: `Entra token for Azure Databricks (${(credential as Partial<LabelledCredential>).label ?? "Azure credential"})`,
        bearer: async () => {
            const token = await credential.getToken(azureDatabricksScope);
            if (!token) throw new Error(`no Entra token for ${azureDatabricksScope}`);
            return token.token;
        },
    };
}
