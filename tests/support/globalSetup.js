const crypto = require("crypto");
const path = require("path");

/**
 * Engine tests run the program inline, in a jest worker, and the program calls Azure itself where
 * no provider does (a referenced model's MLmodel in storage, the workspace's MLflow), through
 * @azure/identity's AzureCliCredential. Its `az` is a child process of the worker and sees the
 * worker's real environment, not the sandbox's `process.env` that EngineStack.open fills; so the
 * workers start with the stand-in `az` on PATH and one local Azure token for every LocalAzure of
 * the run (emulator/localAzure.ts takes AZUREML_EMULATOR_TOKEN when set).
 */
module.exports = async () => {
  process.env.PATH = `${path.join(__dirname, "..", "..", "emulator", "bin")}${path.delimiter}${process.env.PATH}`;
  process.env.AZUREML_EMULATOR_TOKEN = process.env.AZUREML_EMULATOR_TOKEN || crypto.randomBytes(24).toString("base64url");
};
