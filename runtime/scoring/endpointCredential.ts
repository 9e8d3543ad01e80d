import type { TokenCredential } from "@azure/identity";
import { armClientFor } from "../arm/armClient";
import { AzureCloud } from "../arm/clouds";
import { Clock } from "../http/clock";
import { ScoringCredential, entraCredential, staticCredential } from "./scoringCredential";

/**
 * The credential an online endpoint takes, fetched when needed, never stored: for `Key`, the
 * primary key from the endpoint's `listKeys` action; for `AMLToken`, a token from its `token`
 * action (both through Resource Manager); for `AADToken`, an Entra token for Azure ML.
 */
export async function endpointScoringCredential(options: {
    readonly authMode: "Key" | "AMLToken" | "AADToken";
    /** ARM id of the online endpoint. */
    readonly endpointId: string;
    readonly cloud: AzureCloud;
    readonly azure: TokenCredential;
    readonly clock?: Clock;
}): Promise<ScoringCredential> {
    if (options.authMode === "AADToken") return entraCredential(options.azure, options.cloud);
    const arm = armClientFor(options.cloud, {
        credential: options.azure,
        timeoutMs: 120_000,
        clock: options.clock,
    });
    if (options.authMode === "Key") {
        const keys = await arm.post(`${options.endpointId}/listKeys`);
        return staticCredential(String(keys.primaryKey), "endpoint key (listKeys, fetched at run time)");
    }
    const token = await arm.post(`${options.endpointId}/token`);
    return staticCredential(String(token.accessToken), "AML token (token action, fetched at run time)");
}
