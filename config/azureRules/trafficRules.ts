import { Problem } from "../problems";
import { endpointName, placeholderSuffix } from "../naming/names";
import { nameProblem, namingRules } from "../naming/rules";

/** What the traffic rules need to know about an online endpoint's configuration. */
export interface TrafficRulesInput {
    readonly name: string;
    readonly deployments: readonly { readonly name: string }[];
    readonly traffic: Readonly<Record<string, number>>;
    readonly mirrorTraffic: Readonly<Record<string, number>>;
}

export const maxMirrorPercent = 50;

/**
 * Azure's rules for an online endpoint, checked before anything is declared: Azure itself
 * would only reject them halfway through an update.
 * - deployment names follow the naming rules and are unique (the models they serve are checked
 *   with the stack's models, see config/rules.ts);
 * - weights are whole numbers 0-100 summing to 100 (or all 0) and name declared deployments;
 * - mirror traffic goes to one declared deployment, at most 50%, never one with live traffic.
 */
export function trafficProblems(endpoint: TrafficRulesInput): Problem[] {
    const problems: Problem[] = [];
    const endpointIssue = nameProblem(namingRules.endpoint, endpointName(endpoint.name, placeholderSuffix));
    if (endpointIssue) problems.push({ key: "name", value: endpoint.name, message: `derived ${endpointIssue}` });

    const declared = new Set<string>();
    endpoint.deployments.forEach((deployment, i) => {
        const issue = nameProblem(namingRules.onlineDeployment, deployment.name);
        if (issue) problems.push({ key: `deployments[${i}].name`, value: deployment.name, message: issue });
        if (declared.has(deployment.name)) {
            problems.push({ key: `deployments[${i}].name`, value: deployment.name, message: "is declared twice; deployment names must be unique" });
        }
        declared.add(deployment.name);
    });

    const declaredList = [...declared].sort().join(", ");
    const checkWeights = (field: "traffic" | "mirrorTraffic", max: number) => {
        for (const [deployment, weight] of Object.entries(endpoint[field])) {
            if (!Number.isInteger(weight) || weight < 0 || weight > max) {
                problems.push({ key: `${field}.${deployment}`, value: weight, message: `must be a whole number from 0 to ${max}` });
            }
            if (!declared.has(deployment)) {
                problems.push({
                    key: `${field}.${deployment}`,
                    value: weight,
                    message: `names a deployment that is not declared; declared: ${declaredList}`,
                });
            }
        }
    };
    checkWeights("traffic", 100);
    checkWeights("mirrorTraffic", maxMirrorPercent);

    const total = Object.values(endpoint.traffic).reduce((sum, w) => sum + w, 0);
    if (total !== 0 && total !== 100) {
        problems.push({ key: "traffic", value: endpoint.traffic, message: `weights sum to ${total}; they must sum to 100 (or all be 0)` });
    }

    const mirrored = Object.entries(endpoint.mirrorTraffic).filter(([, w]) => w > 0);
    if (mirrored.length > 1) {
        problems.push({
            key: "mirrorTraffic",
            value: endpoint.mirrorTraffic,
            message: "may mirror to one deployment only",
        });
    }
    for (const [deployment] of mirrored) {
        if ((endpoint.traffic[deployment] ?? 0) > 0) {
            problems.push({
                key: `mirrorTraffic.${deployment}`,
                value: endpoint.mirrorTraffic[deployment],
                message: `mirrors to "${deployment}", which also gets live traffic; mirror only to a deployment at 0%`,
            });
        }
    }
    return problems;
}

/** Whether any deployment gets live traffic (with none, Azure answers 404 through routing). */
export function hasLiveTraffic(traffic: Readonly<Record<string, number>>): boolean {
    return Object.values(traffic).some((weight) => weight > 0);
}

/** Every deployment the traffic settings name, in a stable order. */
export function deploymentsNamedBy(traffic: Readonly<Record<string, number>>, mirrorTraffic: Readonly<Record<string, number>>): string[] {
    return [...new Set([...Object.keys(traffic), ...Object.keys(mirrorTraffic)])].sort();
}
