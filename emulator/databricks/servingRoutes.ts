import * as http from "http";
import { noSuchApi } from "./errors";
import { WorkspaceRequest, jsonBody } from "./request";
import { ServingEndpoints } from "./servingEndpoints";

/**
 * The serving endpoints' REST paths (databricks-sdk-py `ServingEndpointsAPI`), mapped onto the state
 * machine. Answers a JSON body, or writes the metrics text itself (undefined).
 */
export async function servingRequest(endpoints: ServingEndpoints, req: WorkspaceRequest, res: http.ServerResponse): Promise<unknown> {
    const rest = req.path.replace(/^\/api\/2\.0\/serving-endpoints\/?/, "");
    const [name, ...sub] = rest.split("/").map(decodeURIComponent);
    const route = `${req.method} ${name ? ":name" : ""}${sub.length > 0 ? `/${sub.length === 3 && sub[0] === "served-models" ? `served-models/:entity/${sub[2]}` : sub.join("/")}` : ""}`;
    switch (route) {
        case "POST ":
            return endpoints.create(jsonBody(req));
        case "GET ":
            return endpoints.list();
        case "GET :name":
            return endpoints.get(name);
        case "DELETE :name":
            return endpoints.delete(name);
        case "PUT :name/config":
            return endpoints.updateConfig(name, jsonBody(req));
        case "PATCH :name/tags":
            return endpoints.patchTags(name, jsonBody(req));
        case "GET :name/metrics":
            // Prometheus text exposition (databricks-sdk-py export_metrics: Accept text/plain).
            res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }).end(endpoints.metrics(name));
            return undefined;
        case "GET :name/served-models/:entity/build-logs":
            return endpoints.buildLogs(name, sub[1]);
        case "GET :name/served-models/:entity/logs":
            return endpoints.serverLogs(name, sub[1]);
        default:
            throw noSuchApi(req.method, req.path);
    }
}
