import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { armClientFor } from "../arm/armClient";
import { AzureCloud } from "../arm/clouds";
import { azureCredential } from "../azure/credential";

/** The engine's marker for a value not known until the resource it comes from is updated. */
const unknownValue = pulumi.runtime.unknownValue;

export interface VersionPreflightInputs {
    /** ARM id of the asset version this stack is about to register (`.../models/<name>/versions/<n>`). */
    readonly versionId: string;
    /** The files it would point at (`modelUri` or `dataUri`). */
    readonly assetUri: string;
    /** `modelUri` or `dataUri`: the property Azure keeps the files' URI in. */
    readonly uriProperty: "modelUri" | "dataUri";
    /** Where the version is declared, for the message: `Pulumi.dev.yaml: models (diabetes-classifier:3)`. */
    readonly declaredIn: string;
    /** The Pulumi resource that would create the version, for the import command. */
    readonly resourceType: string;
    readonly resourceName: string;
    /** URN of that resource's parent component. */
    readonly parentUrn: string;
    readonly cloud: AzureCloud;
}

/**
 * Why an asset version this stack is about to create cannot be created, or undefined. Azure keeps
 * versions immutable and azure-native refuses to create what exists (`cannot create already
 * existing resource`), so a version that is new to this stack but exists in the workspace fails
 * the update half-way; say so at preview instead, with what to do.
 */
export function existingVersionProblem(inputs: VersionPreflightInputs, existing: Record<string, any>): string {
    const [name, version] = /\/(?:models|data)\/([^/]+)\/versions\/([^/]+)$/.exec(inputs.versionId)!.slice(1);
    const theirs = String(existing.properties?.[inputs.uriProperty] ?? "");
    if (theirs !== inputs.assetUri) {
        return (
            `${inputs.declaredIn}: ${name} version ${version} already exists in the workspace with other files ` +
            `(${theirs}; these are ${inputs.assetUri}): its files changed without a version bump. ` +
            "Versions are immutable: give the changed files a new version number."
        );
    }
    return (
        `${inputs.declaredIn}: ${name} version ${version} already exists in the workspace with these files, but not in this ` +
        "stack's state (it was retained when removed from the config, or registered elsewhere). " +
        `Bring it back under this stack with: pulumi import ${inputs.resourceType} ${inputs.resourceName} '${inputs.versionId}' --parent 'parent=${inputs.parentUrn}'` +
        " (and the same for its retained files), or use another version number for other files."
    );
}

/**
 * Checks, at preview and before the version is created, that an asset version this stack
 * declares for the first time does not already exist in the workspace. Stores nothing but its
 * inputs; runs again only when the version is new to the stack (another content hash or number).
 */
export class VersionPreflightProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly credential?: TokenCredential) {}

    async check(olds: Partial<VersionPreflightInputs>, news: VersionPreflightInputs): Promise<pulumi.dynamic.CheckResult> {
        // Already checked when this stack first declared it; unknown while the workspace is being created.
        if (olds.versionId === news.versionId || String(news.versionId).includes(unknownValue)) return { inputs: news };
        const arm = armClientFor(news.cloud, { credential: this.credential ?? azureCredential(), timeoutMs: 120_000 });
        const existing = await arm.find(news.versionId);
        if (!existing) return { inputs: news };
        return { inputs: news, failures: [{ property: "versionId", reason: existingVersionProblem(news, existing) }] };
    }

    async create(inputs: VersionPreflightInputs): Promise<pulumi.dynamic.CreateResult> {
        return { id: `${inputs.versionId}/preflight`, outs: inputs };
    }

    async diff(_id: string, olds: VersionPreflightInputs, news: VersionPreflightInputs): Promise<pulumi.dynamic.DiffResult> {
        const changed = olds.versionId !== news.versionId || olds.assetUri !== news.assetUri || olds.declaredIn !== news.declaredIn;
        return { changes: changed, replaces: olds.versionId !== news.versionId ? ["versionId"] : [] };
    }
}
