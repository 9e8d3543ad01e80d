import type { TokenCredential } from "@azure/identity";
import { AzureCloud } from "../arm/clouds";
import type { LabelledCredential } from "../azure/credential";

/** Where the smoke test CLI and the local endpoint take an endpoint key from. */
export const endpointKeyVariable = "AZUREML_ENDPOINT_KEY";

/**
 * What the smoke test presents as `Authorization: Bearer ...`: an endpoint key, an AML token or an
 * Entra token. `source` says where it came from, for reports; the value itself is never printed.
 */
export interface ScoringCredential {
    readonly source: string;
    bearer(): Promise<string>;
}

export function staticCredential(value: string, source: string): ScoringCredential {
    return { source, bearer: async () => value };
}

/** Entra token for Azure ML's data plane (the audience `AADToken` endpoints and batch endpoints take). */
export function entraCredential(credential: TokenCredential, cloud: AzureCloud = "public"): ScoringCredential {
    const scope = machineLearningScope(cloud);
    return {
        source: `Entra token for ${scope} (${(credential as Partial<LabelledCredential>).label ?? "Azure credential"})`,
        bearer: async () => {
            const token = await credential.getToken(scope);
            if (!token) throw new Error(`no Entra token for ${scope}`);
            return token.token;
        },
    };
}

const machineLearningAudiences: Record<AzureCloud, string> = {
    public: "https://ml.azure.com",
    usgovernment: "https://ml.azure.us",
    china: "https://ml.azure.cn",
};

export function machineLearningScope(cloud: AzureCloud): string {
    return `${machineLearningAudiences[cloud]}/.default`;
}
