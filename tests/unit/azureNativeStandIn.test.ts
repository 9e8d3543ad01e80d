import * as fs from "fs";
import * as path from "path";
import { generateMetadata } from "../../scripts/generate-azure-native-metadata";
import { changedInputs, refreshedInputs } from "../../emulator/providers/azureNative/inputDiff";
import { emulatedRelease, typeMetadata, typeMetadataFile } from "../../emulator/providers/azureNative/typeMetadata";
import { typeByToken } from "../../emulator/resources";
import { azureNativeRetries, platformRetries } from "../../runtime/arm/armClient";
import { existingVersionProblem } from "../../runtime/providers/versionPreflightProvider";

describe("the stand-in's per-type metadata", () => {
    it("is what the generator writes from the pinned @pulumi/azure-native (regenerate: npm run provider:metadata)", () => {
        const sdkDir = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
        expect(JSON.parse(fs.readFileSync(typeMetadataFile, "utf8"))).toEqual(JSON.parse(JSON.stringify(generateMetadata(sdkDir))));
    });

    it("gives every ML type 2025-12-01 under 3.28.0, 2025-09-01 under 3.13.0, and leaves other modules alone", () => {
        expect(typeMetadata("azure-native:machinelearningservices:OnlineDeployment", "3.28.0").apiVersion).toBe("2025-12-01");
        expect(typeMetadata("azure-native:machinelearningservices:OnlineDeployment", "3.13.0").apiVersion).toBe("2025-09-01");
        expect(typeMetadata("azure-native:resources:ResourceGroup", "3.13.0").apiVersion).toBe("2024-03-01");
        expect(typeMetadata("azure-native:storage:Blob", "3.28.0").apiVersion).toBeUndefined();
    });

    it("replaces on location where Azure's spec makes it create-only, never for the ML workspace, compute or key vault", () => {
        expect(typeMetadata("azure-native:machinelearningservices:Workspace", "3.28.0").forceNew).toEqual([]);
        expect(typeMetadata("azure-native:machinelearningservices:Compute", "3.28.0").forceNew).toEqual([]);
        expect(typeMetadata("azure-native:keyvault:Vault", "3.28.0").forceNew).toEqual([]);
        expect(typeMetadata("azure-native:machinelearningservices:OnlineEndpoint", "3.28.0").forceNew).toEqual(["location"]);
        expect(typeMetadata("azure-native:storage:StorageAccount", "3.28.0").forceNew).toEqual(["isHnsEnabled", "location"]);
        expect(typeMetadata("azure-native:storage:Blob", "3.28.0").forceNew).toEqual(["contentMd5", "source", "type"]);
    });

    it("refuses a release it does not know, naming the ones it does", () => {
        expect(emulatedRelease({})).toBe("3.28.0");
        expect(() => emulatedRelease({ AZURE_NATIVE_EMULATED_RELEASE: "2.0.0" })).toThrow(/knows the releases 3.28.0, 3.6.1, 3.13.0/);
    });
});

describe("the stand-in's diff and refresh", () => {
    it("ignores __ keys, compares location without case and spaces and the resource group without case", () => {
        expect(changedInputs({ location: "westeurope", resourceGroupName: "rg-A", __inputs: 1 }, { location: "West Europe", resourceGroupName: "RG-a" })).toEqual([]);
        expect(changedInputs({ location: "westeurope" }, { location: "northeurope" })).toEqual(["location"]);
        expect(changedInputs({ azureApiVersion: "2025-09-01" }, { azureApiVersion: "2025-12-01" })).toEqual(["azureApiVersion"]);
        expect(changedInputs({ tags: { a: "1" } }, { tags: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })).toEqual(["tags"]);
    });

    it("records as inputs what Azure changed since the last read (live traffic included), and only that", () => {
        const endpoint = typeByToken["azure-native:machinelearningservices:OnlineEndpoint"].mapping;
        const inputs = { endpointName: "e", location: "westeurope", properties: { authMode: "Key" }, tags: { a: "1" } };
        const before = { ...inputs, identity: { type: "SystemAssigned", principalId: "p" }, properties: { authMode: "Key", traffic: {}, scoringUri: "u", provisioningState: "Succeeded" } };
        const after = { ...before, tags: { a: "2" }, properties: { authMode: "Key", traffic: { blue: 100 }, scoringUri: "u", provisioningState: "Updating" } };
        expect(refreshedInputs(endpoint, inputs, before, after)).toEqual({ ...inputs, tags: { a: "2" }, properties: { authMode: "Key", traffic: { blue: 100 } } });
        expect(refreshedInputs(endpoint, inputs, before, before)).toEqual(inputs);
    });
});

describe("retry policies", () => {
    it("azure-native retries 408, 429, 5xx and only the 409 AnotherOperationInProgress; the platform's own calls wait out any 409", () => {
        expect([408, 429, 500, 503].every((s) => azureNativeRetries(s, undefined))).toBe(true);
        expect(azureNativeRetries(409, "AnotherOperationInProgress")).toBe(true);
        expect(azureNativeRetries(409, "Conflict")).toBe(false);
        expect(azureNativeRetries(400, "BadRequest")).toBe(false);
        expect(platformRetries(409, "Conflict")).toBe(true);
    });
});

describe("asset version preflight", () => {
    const inputs = {
        versionId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/diabetes/versions/3",
        assetUri: "azureml://datastores/workspaceblobstore/paths/LocalUpload/new/model",
        uriProperty: "modelUri" as const,
        declaredIn: "Pulumi.dev.yaml: models (diabetes:3)",
        resourceType: "azure-native:machinelearningservices:ModelVersion",
        resourceName: "models-diabetes-v3-abc",
        parentUrn: "urn:pulumi:dev::p::azureml-mlflow:model:MlflowModelVersions::models",
        cloud: "public" as const,
    };

    it("says the files changed without a version bump when the existing version has other files", () => {
        const problem = existingVersionProblem(inputs, { properties: { modelUri: "azureml://datastores/workspaceblobstore/paths/LocalUpload/old/model" } });
        expect(problem).toMatch(/^Pulumi.dev.yaml: models \(diabetes:3\): diabetes version 3 already exists in the workspace with other files/);
        expect(problem).toMatch(/give the changed files a new version number/);
    });

    it("gives the exact import command when the existing version has the same files (retained, then declared again)", () => {
        const problem = existingVersionProblem(inputs, { properties: { modelUri: inputs.assetUri } });
        expect(problem).toContain(
            `pulumi import azure-native:machinelearningservices:ModelVersion models-diabetes-v3-abc '${inputs.versionId}' --parent 'parent=${inputs.parentUrn}'`,
        );
    });
});
