import { ResourceValidationPolicy } from "@pulumi/policy";
import { amlScaleSettings } from "./computeScalesDown";

export const nonProductionComputeMinZero: ResourceValidationPolicy = {
    name: "nonprod-compute-min-zero-nodes",
    description: "Outside production, AmlCompute clusters keep 0 minimum nodes, so they cost nothing when idle (disable for production stacks).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const scale = amlScaleSettings(args.type, args.props);
        if (!scale) return;
        const min = Number(scale.minNodeCount ?? 0);
        if (min !== 0) reportViolation(`minNodeCount is ${min}; outside production it must be 0.`);
    },
};
