import * as grpc from "@grpc/grpc-js";

/** What changed in one resource's diff, by top-level input. */
export interface DiffDetail {
    /** Inputs whose value changed, was added or was removed. */
    readonly changed: readonly string[];
    readonly replaces: readonly string[];
    readonly before: Readonly<Record<string, unknown>>;
    readonly after: Readonly<Record<string, unknown>>;
}

/** The provider's diff details by URN, taken by the host's answer to the same Diff call. */
export const diffDetails = new Map<string, DiffDetail>();

/** pulumirpc.PropertyDiff.Kind. */
const kinds = { ADD: 0, ADD_REPLACE: 1, DELETE: 2, DELETE_REPLACE: 3, UPDATE: 4, UPDATE_REPLACE: 5 } as const;

function kindOf(detail: DiffDetail, key: string): number {
    const replace = detail.replaces.includes(key);
    if (detail.before[key] === undefined) return replace ? kinds.ADD_REPLACE : kinds.ADD;
    if (detail.after[key] === undefined) return replace ? kinds.DELETE_REPLACE : kinds.DELETE;
    return replace ? kinds.UPDATE_REPLACE : kinds.UPDATE;
}

/**
 * The real azure-native provider answers Diff with a detailed diff per property (`HasDetailedDiff:
 * true`, provider.go), which the engine shows on every step of a preview (`[diff:
 * ~azureApiVersion]`). @pulumi/pulumi's node provider host answers with the changed/replaced
 * verdict only; this adds the per-property kinds to its answer, for the Diff calls the provider
 * recorded a detail for. Call before the host starts its gRPC server.
 */
export function answerWithDetailedDiffs(): void {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const provproto = require("@pulumi/pulumi/proto/provider_pb");
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (this: grpc.Server, service: grpc.ServiceDefinition, implementation: any) {
        const host = implementation;
        const withDetails = Object.create(host);
        withDetails.diff = (call: any, callback: (...args: any[]) => void) =>
            host.diff(call, (err: unknown, resp: any, ...rest: unknown[]) => {
                const urn = call.request.getUrn();
                const detail = diffDetails.get(urn);
                diffDetails.delete(urn);
                if (!err && resp && detail) {
                    resp.setDiffsList([...detail.changed]);
                    const map = resp.getDetaileddiffMap();
                    for (const key of detail.changed) {
                        const property = new provproto.PropertyDiff();
                        property.setKind(kindOf(detail, key));
                        property.setInputdiff(true);
                        map.set(key, property);
                    }
                    resp.setHasdetaileddiff(true);
                }
                callback(err, resp, ...rest);
            });
        return addService.call(this, service, withDetails);
    } as typeof grpc.Server.prototype.addService;
}
