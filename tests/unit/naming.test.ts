import { platformNameProblems, platformNames, placeholderSuffix } from "../../config/naming/names";
import { nameProblem, namingRules } from "../../config/naming/rules";

describe("Azure naming rules", () => {
    it.each([
        ["endpoint", "diabetes-online", true],
        ["endpoint", "ab", false],
        ["endpoint", "1diabetes", false],
        ["endpoint", "diabetes-", false],
        ["endpoint", "a".repeat(32), true],
        ["endpoint", "a".repeat(33), false],
        ["deployment", "blue", true],
        ["deployment", "blue_1", false],
        ["storageAccount", "mlflowdevstabc123", true],
        ["storageAccount", "MLflow", false],
        ["storageAccount", "a".repeat(25), false],
        ["keyVault", "mlflow-kv-abc123", true],
        ["keyVault", "mlflow--kv", false],
        ["keyVault", "1mlflow", false],
        ["workspace", "ml_workspace-1", true],
        ["workspace", "a".repeat(34), false],
        ["containerRegistry", "mlflowacr1", true],
        ["containerRegistry", "ml-acr", false],
        ["computeCluster", "cpu-batch", true],
        ["computeCluster", "a".repeat(25), false],
    ] as const)("%s name %j valid: %s", (rule, name, valid) => {
        expect(nameProblem(namingRules[rule], name) === undefined).toBe(valid);
    });

    it("explains the length rule with the allowed range", () => {
        expect(nameProblem(namingRules.storageAccount, "ab")).toBe(
            'storage account name "ab" is 2 characters; allowed: 3-24',
        );
    });

    it("derives names that fit Azure's rules for the longest allowed prefix", () => {
        expect(platformNameProblems("abcdefghij")).toEqual([]);
        expect(platformNames("ml-x", "k3x9q2")).toEqual({
            resourceGroup: "rg-ml-x-k3x9q2",
            storageAccount: "mlxstk3x9q2",
            keyVault: "ml-x-kv-k3x9q2",
            containerRegistry: "mlxacrk3x9q2",
            logAnalytics: "ml-x-logs-k3x9q2",
            applicationInsights: "ml-x-appi-k3x9q2",
            workspace: "ml-x-mlw-k3x9q2",
        });
        expect(placeholderSuffix).toHaveLength(6);
    });
});
