import { ResourceValidationPolicy } from "@pulumi/policy";
import { types } from "./resourceTypes";

export const productionNoKeyAuth: ResourceValidationPolicy = {
    name: "prod-online-endpoint-no-key-auth",
    description: "Production online endpoints authenticate with Entra (AADToken) or AML tokens, never long-lived keys (enable for production stacks).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== types.onlineEndpoint && args.type !== types.platformOnlineEndpoint) return;
        const authMode = args.props.properties?.authMode;
        if (authMode === "Key" || authMode === undefined) {
            const name = args.props.endpointName ?? String(args.props.endpointId ?? "").split("/").pop() ?? args.name;
            reportViolation(`endpoint ${name || args.name} uses ${authMode ?? "the default (Key)"} authentication; use AADToken or AMLToken.`);
        }
    },
};
