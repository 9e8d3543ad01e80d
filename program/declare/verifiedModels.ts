import * as pulumi from "@pulumi/pulumi";
import { listFolderFiles } from "../../config/folders/folderContent";
import { modelSourceOf } from "../../config/modelSources";
import { modelVersionKey } from "../../config/modelVersionKey";
import { MlflowModelVersions } from "../components/model/mlflowModelVersions";
import { PostDeploySmokeTest } from "../components/smoke/smokeTestResources";
import { VerifiedModel } from "./promotionChecks";
import { StackScope } from "./stackScope";

/**
 * The model versions this stack's online endpoint serves and its post-deploy smoke test passed
 * for, with their content hash and files: what `npm run promote` may copy into a registry, and
 * what a stack promoted from this one checks its registry versions against. Known only once the
 * smoke test passed in this update (a failed test fails the update, and the output keeps the last
 * passing update's value). Folder versions only: their content hash is known.
 */
export function declareVerifiedModels(scope: StackScope, models: MlflowModelVersions, smokeTest: PostDeploySmokeTest | undefined): pulumi.Output<Record<string, VerifiedModel>> | undefined {
    const online = scope.config.onlineEndpoint;
    if (!online || !smokeTest) return undefined;
    const served = new Set(online.deployments.map((d) => d.model));
    const entries = scope.config.models.flatMap((model) => {
        const key = modelVersionKey(model.name, model.version);
        const source = modelSourceOf(model, scope.projectDir);
        const version = models.versions[key];
        if (!served.has(key) || source?.kind !== "folder" || !version?.contentHash) return [];
        const files = listFolderFiles(source.dir).map((f) => f.relativePath);
        return [pulumi.all([version.id]).apply(([modelId]): [string, VerifiedModel] => [key, { contentHash: version.contentHash!, modelId, modelUri: version.modelUri, files }])];
    });
    return pulumi.all([smokeTest.lastRun, pulumi.all(entries)]).apply(([run, verified]) => (run?.passed ? Object.fromEntries(verified) : {}));
}
