import { ResourceValidationPolicy } from "@pulumi/policy";
import { types } from "./resourceTypes";

export const registryAdminDisabled: ResourceValidationPolicy = {
    name: "container-registry-admin-user-disabled",
    description: "Container registries have their shared admin user disabled (identities pull images instead).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== types.containerRegistry) return;
        if (args.props.adminUserEnabled === true) reportViolation("adminUserEnabled must be false.");
    },
};
