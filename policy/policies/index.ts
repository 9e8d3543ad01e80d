import { ResourceValidationPolicy } from "@pulumi/policy";
import { computeScalesDown } from "./computeScalesDown";
import { keyVaultPurgeProtection } from "./keyVaultPurgeProtection";
import { keyVaultRbac } from "./keyVaultRbac";
import { mirrorTrafficLimits } from "./mirrorTrafficLimits";
import { nonProductionComputeMinZero } from "./nonProductionComputeMinZero";
import { onlineDeploymentTimeoutsAndProbes } from "./onlineDeploymentTimeoutsAndProbes";
import { productionInstanceCount } from "./productionInstanceCount";
import { productionNoKeyAuth } from "./productionNoKeyAuth";
import { registryAdminDisabled } from "./registryAdminDisabled";
import { storageSecureTransport } from "./storageSecureTransport";
import { trafficSumsTo100 } from "./trafficSumsTo100";

/** Every policy of the pack. Which apply to a stack, and how strictly, is set per stack in policy/config/. */
export const policies: ResourceValidationPolicy[] = [
    trafficSumsTo100,
    mirrorTrafficLimits,
    productionInstanceCount,
    productionNoKeyAuth,
    storageSecureTransport,
    keyVaultRbac,
    keyVaultPurgeProtection,
    registryAdminDisabled,
    computeScalesDown,
    nonProductionComputeMinZero,
    onlineDeploymentTimeoutsAndProbes,
];
