import { ResourceValidationPolicy } from "@pulumi/policy";
import { types } from "./resourceTypes";

export const keyVaultRbac: ResourceValidationPolicy = {
    name: "key-vault-rbac-authorization",
    description: "Key vaults use Azure RBAC for data access, not access policies.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== types.keyVault) return;
        if (args.props.properties?.enableRbacAuthorization !== true) reportViolation("enableRbacAuthorization must be true.");
    },
};
