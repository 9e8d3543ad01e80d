import { ResourceValidationPolicy } from "@pulumi/policy";
import { types } from "./resourceTypes";

export const keyVaultPurgeProtection: ResourceValidationPolicy = {
    name: "prod-key-vault-purge-protection",
    description: "Production key vaults keep soft delete and purge protection on (enable for production stacks).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== types.keyVault) return;
        const p = args.props.properties ?? {};
        if (p.enablePurgeProtection !== true) reportViolation("enablePurgeProtection must be true in production.");
        if (p.enableSoftDelete === false) reportViolation("enableSoftDelete must not be false.");
    },
};
