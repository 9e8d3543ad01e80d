import { ResourceValidationPolicy } from "@pulumi/policy";
import { types } from "./resourceTypes";

export const storageSecureTransport: ResourceValidationPolicy = {
    name: "storage-https-tls12-no-public-blobs",
    description: "Storage accounts accept HTTPS only, at TLS 1.2 or later, and allow no public blob access.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== types.storageAccount) return;
        const p = args.props;
        if (p.enableHttpsTrafficOnly === false) reportViolation("enableHttpsTrafficOnly is false; the account must accept HTTPS only.");
        if (p.minimumTlsVersion !== "TLS1_2" && p.minimumTlsVersion !== "TLS1_3") {
            reportViolation(`minimumTlsVersion is ${p.minimumTlsVersion ?? "not set (Azure's default may be older)"}; it must be TLS1_2 or later.`);
        }
        if (p.allowBlobPublicAccess !== false) reportViolation("allowBlobPublicAccess must be false.");
    },
};
