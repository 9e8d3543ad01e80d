import type * as provider from "@pulumi/pulumi/provider";
import type { DatabricksRestClient } from "./restClient";
import type { DiffRules } from "./schema";

/** What an operation works with: the workspace's API, and its time limit. */
export interface OperationContext {
    readonly client: DatabricksRestClient;
    /** The operation's deadline: the resource's `customTimeouts` when set, else the Terraform resource's default. */
    readonly deadline: (defaultMs: number) => number;
    /** The inputs recorded for the resource, when the request carried them. */
    readonly oldInputs?: Record<string, any>;
}

/**
 * One pulumi-databricks resource type as the stand-in serves it: how its inputs are checked and
 * diffed (its Terraform schema's ForceNew and Computed marks) and how each operation maps to the
 * workspace's REST API (the Terraform resource's Create, Read, Update, Delete).
 */
export interface DatabricksResourceType {
    /** `databricks:index/<camel>:<Name>`. */
    readonly token: string;
    /** The Terraform resource's name as its errors say it (`cannot create model serving: ...`). */
    readonly tfName: string;
    readonly rules: DiffRules;
    /** Whether the schema requires `name` (then the bridge autonames it, and replaces delete-first when the program names it). */
    readonly named: boolean;
    check(urn: string, olds: Record<string, any>, news: Record<string, any>): { inputs: Record<string, any>; failures: provider.CheckFailure[] };
    create(ctx: OperationContext, inputs: Record<string, any>): Promise<{ id: string; outs: Record<string, any> }>;
    /** The resource's outputs now, or undefined when it is gone (a refresh removes it from the state). */
    read(ctx: OperationContext, id: string, props: Record<string, any>): Promise<Record<string, any> | undefined>;
    update(ctx: OperationContext, id: string, olds: Record<string, any>, news: Record<string, any>, changed: readonly string[]): Promise<Record<string, any>>;
    delete(ctx: OperationContext, id: string, props: Record<string, any>): Promise<void>;
}

/** Polls `probe` until it answers a value, or throws when `deadline` passes. */
export async function waitUntil<T>(ctx: OperationContext, deadline: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() >= deadline) throw new Error(`timed out waiting for ${what}`);
        await ctx.client.sleep();
    }
}
