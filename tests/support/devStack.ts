import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { projectDir } from "./stackFile";

/**
 * Writes `Pulumi.dev.yaml` into the scratch project `dir`: the committed dev stack without its
 * batch endpoint and its smoke load check, changed by `change` (which sees the project's keys
 * without their namespace).
 */
export function writeDevStack(dir: string, change: (config: Record<string, any>) => void): void {
    const document = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
    const own = Object.fromEntries(Object.entries(document.config).map(([k, v]) => [k.replace(/^azureml-mlflow:/, ""), v]));
    own.smokeTest.load = undefined;
    delete own.batchEndpoint;
    change(own);
    const config = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined).map(([k, v]) => [k.includes(":") ? k : `azureml-mlflow:${k}`, v]));
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), toYaml({ config }));
}
