import * as grpc from "@grpc/grpc-js";

/** How the engine marks a secret in a protobuf Struct: `{[sigKey]: secretSig, value}` (sdk/go/common/resource/sig). */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/** A value with the engine's secret wrappers taken off (the provider needs the plain value). */
export function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[sigKey] === secretSig) return withoutSecrets(record.value);
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutSecrets(v)]));
    }
    return value;
}

/** What a request carried that @pulumi/pulumi's node provider host does not pass to the provider. */
export interface RequestContext {
    /** The inputs recorded at the last create, update or refresh (Diff, Update: `old_inputs`; Read: `inputs`). */
    readonly oldInputs?: Record<string, any>;
    /** The resource's `customTimeouts` for this operation, in seconds (Create, Update, Delete: `timeout`). */
    readonly timeoutSeconds?: number;
}

const contexts = new Map<string, RequestContext>();

/** The context of the request of this kind (`diff`, `update`, ...) now being answered for `urn`. */
export function requestContext(kind: string, urn: string): RequestContext {
    return contexts.get(`${kind}:${urn}`) ?? {};
}

/** Provider configuration as the engine sends it to Configure: `args` (typed inputs) and `variables` (`<pkg>:config:<key>`). */
export interface ConfigureRequestValues {
    readonly args: Record<string, unknown>;
    readonly variables: Record<string, string>;
}

function structOf(message: any, getter: string): Record<string, any> | undefined {
    const struct = typeof message?.[getter] === "function" ? message[getter]() : undefined;
    return struct ? (withoutSecrets(struct.toJavaScript()) as Record<string, any>) : undefined;
}

/**
 * @pulumi/pulumi 3.248's node provider host answers Configure without reading the request
 * (provider/server.js `configure`; CheckConfig and DiffConfig are UNIMPLEMENTED, which the engine
 * takes as "no replacement", provider_plugin.go), so a provider written with it never sees its
 * configuration (`host`, `azureWorkspaceResourceId`, ...). Nor does it pass Diff's and Update's
 * `old_inputs`, Read's `inputs`, or the operations' `timeout`. This wraps @grpc/grpc-js's
 * `Server.prototype.addService` (the one copy installed, which @pulumi/pulumi uses too) so that, for the resource
 * provider service the host registers, Configure first hands the request's values to
 * `onConfigure` (an error there fails Configure, as a real provider's would) and the resource
 * operations leave what their request carried in `requestContext`, then each goes on to the
 * host as before. Call before `provider.main` starts the gRPC server.
 */
export function interceptEngineRequests(onConfigure: (values: ConfigureRequestValues) => void): void {
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (this: grpc.Server, service: grpc.ServiceDefinition, implementation: any) {
        if (!("configure" in service) || !("diff" in service)) return addService.call(this, service, implementation);
        const host = implementation;
        const withRequests = Object.create(host);
        withRequests.configure = (call: any, callback: (...args: any[]) => void) => {
            const variables: Record<string, string> = {};
            call.request.getVariablesMap().forEach((value: string, key: string) => (variables[key] = value));
            try {
                onConfigure({ args: structOf(call.request, "getArgs") ?? {}, variables });
            } catch (err) {
                callback({ code: grpc.status.INVALID_ARGUMENT, details: err instanceof Error ? err.message : String(err) });
                return;
            }
            host.configure(call, callback);
        };
        const remember = (kind: string, oldInputsGetter: string | undefined) => (call: any, callback: (...args: any[]) => void) => {
            const request = call.request;
            const timeout = typeof request.getTimeout === "function" ? Number(request.getTimeout()) : 0;
            contexts.set(`${kind}:${request.getUrn()}`, {
                oldInputs: oldInputsGetter ? structOf(request, oldInputsGetter) : undefined,
                timeoutSeconds: timeout > 0 ? timeout : undefined,
            });
            return host[kind](call, callback);
        };
        withRequests.diff = remember("diff", "getOldInputs");
        withRequests.update = remember("update", "getOldInputs");
        withRequests.read = remember("read", "getInputs");
        withRequests.create = remember("create", undefined);
        withRequests.delete = remember("delete", "getOldInputs");
        return addService.call(this, service, withRequests);
    } as typeof grpc.Server.prototype.addService;
}
