import { main } from "./program/main";

// Stack outputs: workspace and resource group, MLflow tracking URI, compute cluster, model
// versions, and the online endpoint (scoring URI, deployments, applied traffic, key as a secret).
export = main();
