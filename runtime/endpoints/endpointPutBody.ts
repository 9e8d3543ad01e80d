import { weightProperties, wireWeights } from "./trafficWire";

/** Read-only endpoint properties that a PUT must not send back. */
const readOnlyProperties = ["provisioningState", "scoringUri", "swaggerUri"];

/**
 * The endpoint as Azure returned it, minus read-only fields, with `settings` laid over its
 * properties (weight maps in Azure's form) and `tags` (when given) replacing its tags. Everything
 * else the GET returned (kind, sku, identity, compute, properties.properties, the live traffic and
 * batch defaults when `settings` does not set them) goes back unchanged: a PUT replaces the whole
 * endpoint, so every PUT this program makes carries what it does not mean to change.
 */
export function endpointPutBody(
    endpoint: Record<string, any>,
    settings: Record<string, unknown>,
    tags?: Record<string, string>,
): Record<string, unknown> {
    const properties: Record<string, unknown> = { ...(endpoint.properties ?? {}), ...settings };
    for (const key of readOnlyProperties) delete properties[key];
    for (const key of weightProperties) if (key in properties) properties[key] = wireWeights(properties[key]);
    const body: Record<string, unknown> = { location: endpoint.location, properties };
    if (tags ?? endpoint.tags) body.tags = { ...(tags ?? endpoint.tags) };
    if (endpoint.kind) body.kind = endpoint.kind;
    if (endpoint.sku) body.sku = endpoint.sku;
    if (endpoint.identity?.type) {
        body.identity = { type: endpoint.identity.type };
        if (endpoint.identity.userAssignedIdentities) {
            (body.identity as Record<string, unknown>).userAssignedIdentities = Object.fromEntries(
                Object.keys(endpoint.identity.userAssignedIdentities).map((id) => [id, {}]),
            );
        }
    }
    return body;
}
