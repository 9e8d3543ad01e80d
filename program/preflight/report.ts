import { CostReport } from "./cost";
import { Finding } from "./findings";
import { QuotaLine } from "./quota";
import { RolloutPreview } from "./rolloutPreview";

/** Everything the preflight found for one `preview` or `up`, before anything changed. */
export interface PreflightReport {
    readonly stack: string;
    readonly stackFile: string;
    readonly location: string;
    readonly findings: readonly Finding[];
    /** The quotas the update draws on; undefined when the quota could not be read. */
    readonly quota?: readonly QuotaLine[];
    /** The online endpoint's traffic stages; undefined without an online endpoint. */
    readonly rollout?: RolloutPreview;
    readonly cost: CostReport;
    /** What was not checked, and why. */
    readonly notes: readonly string[];
    /** How long the preflight took inside the program (its Azure reads included). */
    readonly seconds: number;
}
