import { defaultBlobContainer } from "../../runtime/azure/blobStorage";
import { StoredResource, stableGuid } from "../arm/storedResource";
import { EmulatedType, inWorkspace, mapping } from "./resourceType";

/** The workspace a resource lives in (its id), from any id below it. */
export function workspaceOf(id: string): string {
    return /^(.*\/workspaces\/[^/]+)/i.exec(id)![1];
}

/** Where a workspace's default datastore keeps its files: its storage account, and its container. */
export function defaultDatastoreLocation(workspace: StoredResource): { account: string; container: string } {
    const storageId = String(workspace.body.properties?.storageAccount ?? "");
    return { account: storageId.split("/").pop() ?? "", container: defaultBlobContainer(String(workspace.body.properties?.workspaceId)) };
}

export const mlWorkspace: EmulatedType = {
    token: "azure-native:machinelearningservices:Workspace",
    armType: "Microsoft.MachineLearningServices/workspaces",
    mapping: mapping("workspaceName", inWorkspace, ["workspaceName"], true),
    sdkFile: "machinelearningservices/workspace",
    // workspaceRP.json: location without x-ms-mutability (v3 Resource): updated in place.
    forceNew: {},
    rules: {
        readOnly: ["workspaceId", "mlFlowTrackingUri", "discoveryUrl"],
        complete(id, body) {
            return {
                ...body,
                properties: {
                    ...body.properties,
                    workspaceId: stableGuid(id.id),
                    mlFlowTrackingUri: `azureml://${body.location}.api.azureml.ms/mlflow/v1.0${id.id}`,
                    discoveryUrl: `https://${body.location}.api.azureml.ms/discovery`,
                },
            };
        },
    },
};
