import { parseRegistryModel } from "../../config/registryModels";
import { OnlineEndpointConfig } from "../../config/schema";
import { LiveDeployment } from "./liveState";

/**
 * The deployments that run now and whose answers the update changes: what their fingerprint
 * covers (program/components/online/onlineEndpoint.ts: model, instance type, request timeout,
 * environment variables) differs from what Azure runs. Azure updates them in place; with a
 * rollout they are drained first.
 */
export function changedInPlace(online: OnlineEndpointConfig, live: readonly LiveDeployment[]): string[] {
    return online.deployments
        .filter((d) => {
            const running = live.find((l) => l.name.toLowerCase() === d.name.toLowerCase());
            if (!running) return false;
            return (
                running.instanceType.toLowerCase() !== d.instanceType.toLowerCase() ||
                modelOf(running.model) !== declaredModel(d.model) ||
                running.requestTimeoutMs !== d.requestTimeoutMs ||
                JSON.stringify(sorted(running.environmentVariables)) !== JSON.stringify(sorted(d.environmentVariables))
            );
        })
        .map((d) => d.name);
}

/** `name:version` (with `registry/` before it for a registry's) of a model id or URI as Azure reports it. */
function modelOf(id: string): string {
    const registry = /registries\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(id);
    if (registry) return `${registry[1].toLowerCase()}/${registry[2]}:${registry[3]}`;
    const workspace = /\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(id);
    return workspace ? `${workspace[1]}:${workspace[2]}` : id;
}

function declaredModel(model: string): string {
    const reference = parseRegistryModel(model);
    return reference ? `${reference.registry.toLowerCase()}/${reference.key}` : model;
}

function sorted(map: Readonly<Record<string, string>>): [string, string][] {
    return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1));
}
