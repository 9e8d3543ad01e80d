import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";
import { badRequest, parentNotFound } from "../arm/azureErrors";
import { defaultDatastoreLocation, workspaceOf } from "./mlWorkspace";
import { EmulatedType, inWorkspace, mapping } from "./resourceType";
import { immutableVersion } from "./sharedRules";

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
            // A model URI is one of the azureml:// forms (the bare ARM-id form is for job outputs).
            const location = uri.startsWith("azureml://") ? parseDatastoreUri(uri) : undefined;
            if (!location) return badRequest(`modelUri ${uri} is not an azureml:// datastore path.`);
            const workspace = ctx.get(workspaceOf(id.id));
            if (!workspace) return parentNotFound(workspaceOf(id.id));
            const { account, container } = defaultDatastoreLocation(workspace);
            if (location.datastore.toLowerCase() !== "workspaceblobstore") return badRequest(`Datastore ${location.datastore} not found.`);
            if (!ctx.blobExists(account, container, `${location.path}/MLmodel`)) {
                return badRequest(`modelUri ${uri} holds no MLmodel: upload the model folder before registering it.`);
            }
            return undefined;
        },
    },
};
