/**
 * Azure's rules for an online endpoint's `traffic` and `mirrorTraffic` in a PUT of the endpoint
 * (how-to-safely-rollout-online-endpoints; the online endpoint YAML reference):
 * - weights are whole percents 0-100, live weights summing to 0 or 100;
 * - every deployment named exists and has finished provisioning (`Succeeded`);
 * - mirror traffic goes to one deployment at most, at most 50%, and never to one that is named in
 *   the live map, not even at 0%.
 * Names are compared without regard to case, as Azure does.
 */
export const maxMirrorPercent = 50;

/** The provisioning state of each deployment of the endpoint, by lower-case name. */
export type DeploymentStates = ReadonlyMap<string, string>;

/** Why Azure would refuse these maps, or undefined when it would take them. */
export function onlineTrafficProblem(
    deployments: DeploymentStates,
    traffic: Readonly<Record<string, unknown>>,
    mirror: Readonly<Record<string, unknown>>,
): string | undefined {
    for (const [name, weight] of [...Object.entries(traffic), ...Object.entries(mirror)]) {
        if (!Number.isInteger(weight) || (weight as number) < 0 || (weight as number) > 100) {
            return `Traffic for deployment ${name} must be a whole percent from 0 to 100; got ${JSON.stringify(weight)}.`;
        }
        const state = deployments.get(name.toLowerCase());
        if (state === undefined) return `Deployment ${name} not found in endpoint.`;
        if (state !== "Succeeded") return `Deployment ${name} is ${state}; only a Succeeded deployment can take traffic.`;
    }
    const total = Object.values(traffic).reduce((sum: number, weight) => sum + (weight as number), 0);
    if (total !== 0 && total !== 100) return `Traffic must sum to 0 or 100; got ${total}.`;
    const mirrored = Object.keys(mirror);
    if (mirrored.length > 1) return `Mirror traffic can go to one deployment only; got ${mirrored.join(", ")}.`;
    for (const name of mirrored) {
        if ((mirror[name] as number) > maxMirrorPercent) return `Mirror traffic cannot exceed ${maxMirrorPercent}%; got ${mirror[name]} for ${name}.`;
        if (Object.keys(traffic).some((live) => live.toLowerCase() === name.toLowerCase())) {
            return `Deployment ${name} cannot receive both live and mirrored traffic; remove it from traffic to mirror to it.`;
        }
    }
    return undefined;
}

/** A weight map as Azure keeps it: names lower-cased. */
export function lowerCaseNames(weights: Readonly<Record<string, number>>): Record<string, number> {
    return Object.fromEntries(Object.entries(weights).map(([name, weight]) => [name.toLowerCase(), weight]));
}
