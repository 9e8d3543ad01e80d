/** The `random` provider plugin the engine starts (as `pulumi-resource-random`, see emulator/bin). */
import * as provider from "@pulumi/pulumi/provider";
import { randomStringProvider } from "./randomStringProvider";

const randomString = "random:index/randomString:RandomString";

function only(urn: string): void {
    const type = urn.split("::")[2].split("$").pop();
    if (type !== randomString) throw new Error(`the local random provider serves ${randomString} only, not ${type}`);
}

const plugin: provider.Provider = {
    version: "4.21.2",
    check: async (urn, olds, news) => (only(urn), randomStringProvider.check!(urn, olds, news)),
    diff: async (id, urn, olds, news) => (only(urn), randomStringProvider.diff!(id, urn, olds, news)),
    create: async (urn, inputs) => (only(urn), randomStringProvider.create!(urn, inputs)),
    read: async (id, urn, props) => (only(urn), randomStringProvider.read!(id, urn, props)),
    delete: async (id, urn, props) => (only(urn), randomStringProvider.delete!(id, urn, props)),
};

void provider.main(plugin, process.argv.slice(2));
