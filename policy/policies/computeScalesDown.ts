import { ResourceValidationPolicy } from "@pulumi/policy";
import { types } from "./resourceTypes";

/** The AmlCompute scale settings of a Compute resource, or undefined for other compute types. */
export function amlScaleSettings(type: string, props: Record<string, any>): Record<string, any> | undefined {
    if (type !== types.compute || props.properties?.computeType !== "AmlCompute") return undefined;
    return props.properties?.properties?.scaleSettings ?? {};
}

export const computeScalesDown: ResourceValidationPolicy = {
    name: "compute-scales-down-when-idle",
    description: "AmlCompute clusters release idle nodes: an idle time before scale-down is set (at most 1 hour).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const scale = amlScaleSettings(args.type, args.props);
        if (!scale) return;
        const idle = /^PT(\d+)S$/.exec(String(scale.nodeIdleTimeBeforeScaleDown ?? ""));
        if (!idle) reportViolation(`nodeIdleTimeBeforeScaleDown is ${scale.nodeIdleTimeBeforeScaleDown ?? "not set"}; set it (e.g. PT120S).`);
        else if (Number(idle[1]) > 3600) reportViolation(`idle nodes are kept for ${idle[1]} s; at most 3600 s is allowed.`);
    },
};
