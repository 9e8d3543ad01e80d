import * as fs from "fs";
import * as path from "path";
import { Problem } from "../problems";
import { endpointName, placeholderSuffix } from "../naming/names";
import { nameProblem, namingRules } from "../naming/rules";

/** What the batch rules need to know about a batch endpoint's configuration. */
export interface BatchRulesInput {
    readonly name: string;
    readonly defaultDeployment: string;
    readonly deployments: readonly {
        readonly name: string;
        readonly outputFileName: string;
    }[];
    readonly inputData?: { readonly name: string; readonly path: string };
}

/** File types a batch deployment of an MLflow model reads. */
const batchInputExtensions = [".csv", ".parquet"];

/**
 * Rules for a batch endpoint, checked before anything is declared: the default names a declared
 * deployment (it can only be set once that deployment exists), output files are CSV, names follow
 * Azure's rules, and the input folder holds files a batch deployment can read. (That deployments
 * run on the stack's cluster and fit in it, and serve declared models: config/rules.ts.)
 */
export function batchProblems(endpoint: BatchRulesInput, projectDir: string): Problem[] {
    const problems: Problem[] = [];
    const endpointIssue = nameProblem(namingRules.endpoint, endpointName(endpoint.name, placeholderSuffix));
    if (endpointIssue) problems.push({ key: "name", value: endpoint.name, message: `derived ${endpointIssue}` });

    const declared = new Set<string>();
    endpoint.deployments.forEach((deployment, i) => {
        const at = `deployments[${i}]`;
        const nameIssue = nameProblem(namingRules.deployment, deployment.name);
        if (nameIssue) problems.push({ key: `${at}.name`, value: deployment.name, message: nameIssue });
        if (declared.has(deployment.name)) {
            problems.push({ key: `${at}.name`, value: deployment.name, message: "is declared twice; deployment names must be unique" });
        }
        declared.add(deployment.name);
        if (!/^[^/\\]+\.csv$/i.test(deployment.outputFileName)) {
            problems.push({ key: `${at}.outputFileName`, value: deployment.outputFileName, message: "must be a file name ending in .csv" });
        }
    });

    if (!declared.has(endpoint.defaultDeployment)) {
        problems.push({
            key: "defaultDeployment",
            value: endpoint.defaultDeployment,
            message: `names a deployment that is not declared; declared: ${[...declared].sort().join(", ")}`,
        });
    }

    if (endpoint.inputData) {
        const nameIssue = nameProblem(namingRules.asset, endpoint.inputData.name);
        if (nameIssue) problems.push({ key: "inputData.name", value: endpoint.inputData.name, message: nameIssue });
        const dir = path.resolve(projectDir, endpoint.inputData.path);
        const files = fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? fs.readdirSync(dir) : undefined;
        if (files === undefined) {
            problems.push({ key: "inputData.path", value: endpoint.inputData.path, message: `folder ${dir} does not exist` });
        } else if (!files.some((f) => batchInputExtensions.includes(path.extname(f).toLowerCase()))) {
            problems.push({ key: "inputData.path", value: endpoint.inputData.path, message: `holds no ${batchInputExtensions.join(" or ")} files` });
        }
    }
    return problems;
}
