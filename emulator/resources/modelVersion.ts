import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";
import { badRequest, parentNotFound } from "../arm/azureErrors";
import { defaultDatastoreLocation, workspaceOf } from "./mlWorkspace";
import { EmulatedType, inWorkspace, mapping } from "./resourceType";
import { immutableVersion } from "./sharedRules";
import { parseRunArtifactUri } from "../../runtime/models/runArtifactUri";
import { runArtifactsDir } from "../mlflow/modelSources";

export const modelVersion: EmulatedType = {
    token: "azure-native:machinelearningservices:ModelVersion",
    armType: "Microsoft.MachineLearningServices/workspaces/models/versions",
    mapping: mapping("version", (i) => `${inWorkspace(i)}/models/${i.name}/versions/${i.version}`, ["workspaceName", "name", "version"], false),
    sdkFile: "machinelearningservices/modelVersion",
    forceNew: {},
    rules: {
        checkPut(ctx, id, body, existing) {
            const immutable = immutableVersion("modelUri", "modelType").checkPut!(ctx, id, body, existing);
            if (immutable) return immutable;
            const uri = String(body.properties?.modelUri ?? "");
            const workspace = ctx.get(workspaceOf(id.id));
            if (!workspace) return parentNotFound(workspaceOf(id.id));
            const { account, container } = defaultDatastoreLocation(workspace);
            // A model URI is a datastore path or a job's output (how-to-manage-models); the bare
            // ARM-id form is for batch job outputs.
            const run = parseRunArtifactUri(uri);
            if (run && uri.startsWith("azureml://")) {
                const runDir = runArtifactsDir(ctx.containerDir(account, container), run.runId);
                if (!runDir) return badRequest(`modelUri ${uri}: job ${run.runId} not found in this workspace.`);
                return ctx.blobExists(account, container, `${runDir}/${run.path}/MLmodel`)
                    ? undefined
                    : badRequest(`modelUri ${uri}: job ${run.runId} has no MLmodel at outputs/artifacts/paths/${run.path}.`);
            }
            const location = uri.startsWith("azureml://") ? parseDatastoreUri(uri) : undefined;
            if (!location) return badRequest(`modelUri ${uri} is not an azureml:// datastore path or job output.`);
            if (location.datastore.toLowerCase() !== "workspaceblobstore") return badRequest(`Datastore ${location.datastore} not found.`);
            if (!ctx.blobExists(account, container, `${location.path.replace(/\/+$/, "")}/MLmodel`)) {
                return badRequest(`modelUri ${uri} holds no MLmodel: upload the model folder before registering it.`);
            }
            return undefined;
        },
    },
};
