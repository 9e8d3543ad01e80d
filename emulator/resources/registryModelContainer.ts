import { badRequest } from "../arm/azureErrors";
import { inRegistry } from "./registry";
import { EmulatedType, mapping } from "./resourceType";

/** mfe.json 2025-12-01 `modelName` of registry models. */
const namePattern = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

/** A model in a registry (`registries/{r}/models/{n}`): a proxy resource, path keys only (R1). */
export const registryModelContainer: EmulatedType = {
    token: "azure-native:machinelearningservices:RegistryModelContainer",
    armType: "Microsoft.MachineLearningServices/registries/models",
    mapping: mapping("modelName", (i) => `${inRegistry(i)}/models/${i.modelName}`, ["registryName", "modelName"], false),
    sdkFile: "machinelearningservices/registryModelContainer",
    forceNew: {},
    rules: {
        checkPut(_ctx, id) {
            return namePattern.test(id.name) ? undefined : badRequest(`Model name ${id.name} does not match ${namePattern.source}.`);
        },
    },
};
