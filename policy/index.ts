import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// Run with `pulumi preview --policy-pack policy --policy-pack-config policy/config/<stack>.json`:
// the config file sets each policy's enforcement level for that stack.
new PolicyPack("azureml-mlflow-guardrails", { policies });
