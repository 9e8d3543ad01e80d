import { ResourceValidationPolicy } from "@pulumi/policy";
import { declaredTraffic } from "./resourceTypes";

export const mirrorTrafficLimits: ResourceValidationPolicy = {
    name: "online-mirror-traffic-limits",
    description: "Mirror traffic goes to one deployment, at most 50%, never one that also gets live traffic.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const declared = declaredTraffic(args.type, args.props);
        if (!declared) return;
        const mirrored = Object.entries(declared.mirrorTraffic).filter(([, w]) => Number(w) > 0);
        if (mirrored.length > 1) reportViolation(`mirror traffic goes to ${mirrored.length} deployments; Azure mirrors to one.`);
        for (const [deployment, weight] of mirrored) {
            if (Number(weight) > 50) reportViolation(`mirror traffic to ${deployment} is ${weight}%; at most 50% is allowed.`);
            if (Number(declared.traffic[deployment] ?? 0) > 0) {
                reportViolation(`${deployment} gets both live traffic (${declared.traffic[deployment]}%) and mirror traffic; mirror only to a deployment at 0%.`);
            }
        }
    },
};
