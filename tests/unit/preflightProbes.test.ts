import * as path from "path";
import { folderContentHash, listFolderFiles } from "../../config/folders/folderContent";
import { LoadTimes, readLoadTimes } from "../../config/folders/modelLoadTimes";
import { StackConfig, stackConfigSchema } from "../../config/schema";
import { checkProbes } from "../../program/preflight/probes";
import { azureMlStacks, projectDir, stackConfigObject } from "../support/stackFile";

const greenHash = folderContentHash(listFolderFiles(path.join(projectDir, "models", "diabetes-v2")));
const loading = (seconds: number): LoadTimes => ({ how: "test", items: { [greenHash]: { model: "models/diabetes-v2", seconds, measured: "2026-12-01" } } });
const devWithGreenLiveness = (probe: Record<string, number>): StackConfig => {
    const raw = structuredClone(stackConfigObject("dev")) as Record<string, any>;
    raw.onlineEndpoint.deployments[1].livenessProbe = probe;
    return stackConfigSchema.parse(raw);
};

describe("probes against the model's load time measured offline", () => {
    it("refuses a liveness probe that gives up before the model is loaded: the container would be restarted for ever", () => {
        const { findings } = checkProbes(devWithGreenLiveness({ initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 10 }), projectDir, loading(30));
        expect(findings).toEqual([
            expect.objectContaining({
                check: "probes",
                severity: "error",
                key: "onlineEndpoint.deployments[1].livenessProbe.failureThreshold",
                value: 10,
                message: expect.stringContaining("deployment green's livenessProbe gives up after 25 s (initialDelaySeconds 5 + failureThreshold 10 x periodSeconds 2); diabetes-classifier:2 took 30 s to load in Azure's inference server offline, so it would never serve"),
            }),
        ]);
    });

    it("warns when the window leaves less than the load time again for Azure's environment install", () => {
        const { findings } = checkProbes(devWithGreenLiveness({ initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 10 }), projectDir, loading(20));
        expect(findings.map((f) => [f.severity, f.key])).toEqual([["warning", "onlineEndpoint.deployments[1].livenessProbe.failureThreshold"]]);
        expect(findings[0].message).toContain("at least 40 s");
    });

    it("says which served models have no measurement", () => {
        const { findings, notes } = checkProbes(devWithGreenLiveness({}), projectDir, { how: "", items: {} });
        expect(findings).toEqual([]);
        expect(notes).toEqual([
            "diabetes-classifier:1 (models/diabetes-v1): its load time was not measured (npm run load-times -- models/diabetes-v1); its deployments' probes were not checked against it",
            "diabetes-classifier:2 (models/diabetes-v2): its load time was not measured (npm run load-times -- models/diabetes-v2); its deployments' probes were not checked against it",
        ]);
    });

    it.each(azureMlStacks)("finds every model of the committed %s stack measured, and its probes roomy enough", (stack) => {
        const { findings, notes } = checkProbes(stackConfigSchema.parse(stackConfigObject(stack)), projectDir, readLoadTimes(projectDir));
        expect(findings).toEqual([]);
        expect(notes).toEqual([]);
    });
});
