import * as pulumi from "@pulumi/pulumi";
import { ModelVersionInputs, ModelVersionProvider } from "../../runtime/databricks/modelVersionProvider";
import { ServingConfigInputs, ServingConfigOutputs, ServingConfigProvider } from "../../runtime/databricks/servingConfigProvider";
import { ServingSmokeInputs, ServingSmokeOutputs, ServingSmokeProvider } from "../../runtime/databricks/servingSmokeProvider";

type Inputs<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

const modelVersions = new ModelVersionProvider();
const servingConfigs = new ServingConfigProvider();
const smokeTests = new ServingSmokeProvider();

/** A model version registered in the workspace's MLflow registry from a folder (runtime/databricks/modelVersionProvider.ts). */
export class DatabricksModelVersion extends pulumi.dynamic.Resource {
    /** Where its files are in DBFS. (`declare`: a class field would overwrite the output the base class sets.) */
    declare public readonly source: pulumi.Output<string>;

    constructor(name: string, args: Inputs<ModelVersionInputs>, opts?: pulumi.CustomResourceOptions) {
        super(modelVersions, name, { ...args, source: undefined, status: undefined }, opts, "databricks", "ModelVersion");
    }
}

/** The served entities and routes of a serving endpoint (runtime/databricks/servingConfigProvider.ts). */
export class ServingEndpointConfig extends pulumi.dynamic.Resource {
    declare public readonly applied: pulumi.Output<ServingConfigOutputs["applied"]>;
    declare public readonly lastRollout: pulumi.Output<string[] | undefined>;

    constructor(name: string, args: Inputs<ServingConfigInputs>, opts?: pulumi.CustomResourceOptions) {
        super(servingConfigs, name, { ...args, applied: undefined, lastRollout: undefined }, opts, "databricks", "ServingEndpointConfig");
    }
}

/** The post-deploy smoke test of a serving endpoint (runtime/databricks/servingSmokeProvider.ts). */
export class ServingSmokeTest extends pulumi.dynamic.Resource {
    declare public readonly lastRun: pulumi.Output<ServingSmokeOutputs["lastRun"]>;

    constructor(name: string, args: Inputs<ServingSmokeInputs>, opts?: pulumi.CustomResourceOptions) {
        super(smokeTests, name, { ...args, lastRun: undefined }, opts, "databricks", "ServingSmokeTest");
    }
}
