import { ResourceValidationPolicy } from "@pulumi/policy";
import { types } from "./resourceTypes";

export const onlineDeploymentTimeoutsAndProbes: ResourceValidationPolicy = {
    name: "online-deployment-timeout-and-probes",
    description: "Every online deployment sets a request timeout and liveness and readiness probes.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== types.onlineDeployment) return;
        const p = args.props.properties ?? {};
        const name = args.props.deploymentName ?? args.name;
        if (!p.requestSettings?.requestTimeout) reportViolation(`deployment ${name} sets no requestSettings.requestTimeout.`);
        if (!p.livenessProbe) reportViolation(`deployment ${name} sets no livenessProbe.`);
        if (!p.readinessProbe) reportViolation(`deployment ${name} sets no readinessProbe.`);
    },
};
