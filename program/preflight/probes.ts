import * as path from "path";
import { folderContentHash, listFolderFiles } from "../../config/folders/folderContent";
import { LoadTimes } from "../../config/folders/modelLoadTimes";
import { modelSourceOf } from "../../config/modelSources";
import { modelVersionKey } from "../../config/modelVersionKey";
import { StackConfig } from "../../config/schema";
import { Finding } from "./findings";

const probeSource =
    "MicrosoftDocs/azure-ai-docs@ecec4d11 articles/machine-learning/reference-yaml-deployment-managed-online.md (ms.date 2023-10-19): defaults initial_delay 10, period 10, timeout 2, failure_threshold 30; 'Giving up in the case of a liveness probe means the container will be restarted. In the case of a readiness probe the container will be marked Unready'; how-to-troubleshoot-online-endpoints.md @a2d90a50 (ms.date 2025-10-06) ResourceNotReady: 'Container initialization takes too long, so the readiness or liveness probe fails beyond the failure threshold'; how-to-deploy-mlflow-models-online-endpoints.md @8f2b68ee: no-code dependencies 'are installed during container runtime'";

/**
 * Each online deployment's probes against its model's load time measured offline
 * (models/load-times.json, `npm run load-times`): a probe gives up after `initialDelaySeconds +
 * failureThreshold x periodSeconds` (liveness: the container is restarted; readiness: it never
 * serves and the deployment fails ResourceNotReady). A model that loads slower than that can
 * never serve: an error. One that needs more than half of it is a warning: Azure also installs the
 * model's environment at container start, inside the same window, and no offline run measures that.
 */
export function checkProbes(config: StackConfig, projectDir: string, loadTimes: LoadTimes): { findings: Finding[]; notes: string[] } {
    const findings: Finding[] = [];
    const notes: string[] = [];
    const measured = new Map<string, number | undefined>();
    const loadOf = (key: string): number | undefined => {
        if (measured.has(key)) return measured.get(key);
        const model = config.models.find((m) => modelVersionKey(m.name, m.version) === key);
        let seconds: number | undefined;
        if (model && modelSourceOf(model, projectDir)?.kind === "folder") {
            const hash = folderContentHash(listFolderFiles(path.resolve(projectDir, model.path!)));
            seconds = loadTimes.items[hash]?.seconds;
            if (seconds === undefined) notes.push(`${key} (${model.path}): its load time was not measured (npm run load-times -- ${model.path}); its deployments' probes were not checked against it`);
        }
        measured.set(key, seconds);
        return seconds;
    };
    (config.onlineEndpoint?.deployments ?? []).forEach((d, i) => {
        const load = loadOf(d.model);
        if (load === undefined) return;
        for (const [which, probe] of [["livenessProbe", d.livenessProbe], ["readinessProbe", d.readinessProbe]] as const) {
            const window = probe.initialDelaySeconds + probe.failureThreshold * probe.periodSeconds;
            const severity = load > window ? "error" : load * 2 > window ? "warning" : undefined;
            if (!severity) continue;
            findings.push({
                check: "probes",
                severity,
                key: `onlineEndpoint.deployments[${i}].${which}.failureThreshold`,
                value: probe.failureThreshold,
                message:
                    `deployment ${d.name}'s ${which} gives up after ${window} s (initialDelaySeconds ${probe.initialDelaySeconds} + failureThreshold ${probe.failureThreshold} x periodSeconds ${probe.periodSeconds}); ` +
                    `${d.model} took ${load} s to load in Azure's inference server offline` +
                    (severity === "error" ? ", so it would never serve" : ", and Azure installs its environment in the same window") +
                    `: raise failureThreshold or initialDelaySeconds to give it at least ${Math.ceil(load * 2)} s`,
                rule: { id: severity === "error" ? "probe window under the load time" : "probe window under twice the load time", source: probeSource },
            });
        }
    });
    return { findings, notes };
}
