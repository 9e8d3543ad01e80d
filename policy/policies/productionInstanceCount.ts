import { ResourceValidationPolicy } from "@pulumi/policy";
import { types } from "./resourceTypes";

/** Azure's advice for production: enough instances to survive an upgrade or a failed node. */
export const minimumProductionInstances = 3;

export const productionInstanceCount: ResourceValidationPolicy = {
    name: "prod-online-deployment-min-instances",
    description: `Production online deployments run at least ${minimumProductionInstances} instances (enable this policy for production stacks).`,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== types.onlineDeployment) return;
        const capacity = Number(args.props.sku?.capacity ?? 1);
        if (capacity < minimumProductionInstances) {
            reportViolation(`deployment ${args.props.deploymentName ?? args.name} runs ${capacity} instance(s); production needs at least ${minimumProductionInstances}.`);
        }
    },
};
