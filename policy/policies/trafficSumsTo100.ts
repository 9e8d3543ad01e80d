import { ResourceValidationPolicy } from "@pulumi/policy";
import { declaredTraffic } from "./resourceTypes";

export const trafficSumsTo100: ResourceValidationPolicy = {
    name: "online-traffic-sums-to-0-or-100",
    description: "An online endpoint's live traffic weights sum to 100 (or are all 0), as Azure requires.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const declared = declaredTraffic(args.type, args.props);
        if (!declared) return;
        const total = Object.values(declared.traffic).reduce((sum, w) => sum + Number(w), 0);
        if (total !== 0 && total !== 100) {
            reportViolation(`traffic ${JSON.stringify(declared.traffic)} sums to ${total}; it must sum to 100 (or all be 0).`);
        }
    },
};
