import { armEndpointVariable, resourceManagerScope, resourceManagerUrl } from "../../runtime/arm/clouds";

describe("Resource Manager per Azure cloud", () => {
    it.each([
        ["public", "https://management.azure.com"],
        ["usgovernment", "https://management.usgovcloudapi.net"],
        ["china", "https://management.chinacloudapi.cn"],
    ] as const)("%s -> %s", (cloud, url) => {
        expect(resourceManagerUrl(cloud, {})).toBe(url);
        expect(resourceManagerScope(cloud)).toBe(`${url}/.default`);
    });

    it(`lets ${armEndpointVariable} point ARM calls at another HTTPS endpoint or a local server`, () => {
        expect(resourceManagerUrl("public", { [armEndpointVariable]: "https://arm-proxy.example.net/" })).toBe("https://arm-proxy.example.net");
        expect(resourceManagerUrl("china", { [armEndpointVariable]: "http://127.0.0.1:8080" })).toBe("http://127.0.0.1:8080");
        // The scope stays the cloud's: the override changes where calls go, not whose token is used.
        expect(resourceManagerScope("china")).toBe("https://management.chinacloudapi.cn/.default");
    });

    it("refuses to send a management token over plain HTTP to another machine", () => {
        expect(() => resourceManagerUrl("public", { [armEndpointVariable]: "http://10.0.0.5:8080" })).toThrow(
            `${armEndpointVariable}=http://10.0.0.5:8080 must be an https URL (plain http is allowed for 127.0.0.1 only)`,
        );
        expect(() => resourceManagerUrl("public", { [armEndpointVariable]: "not a url" })).toThrow("is not a URL");
    });
});
