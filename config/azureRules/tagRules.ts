import { Problem } from "../problems";
/**
 * Azure Resource Manager's rules for tags, checked before anything is created: a bad tag fails the
 * very first create (the resource group), after the stack's random suffix is already in state.
 * Source: learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations.
 */
export const tagLimits = {
    /** Tag name/value pairs per resource or resource group. */
    perResource: 50,
    nameLength: 512,
    /** Storage accounts allow shorter names; the stack's tags go on its storage account too. */
    storageAccountNameLength: 128,
    valueLength: 256,
    forbiddenNameCharacters: ["<", ">", "%", "&", "\\", "?", "/"],
} as const;

/** Tags the program puts on every resource it creates, beside the stack's own. */
export function platformTags(stackTags: Readonly<Record<string, string>>, stack: string): Record<string, string> {
    return { ...stackTags, "managed-by": "pulumi", stack };
}

const programTagNames = Object.keys(platformTags({}, "any"));

/**
 * Problems with the stack's tags as they land on every resource, program tags included: names
 * Azure compares without case, so two names that differ only in case (or one that shadows a
 * program tag) are one tag to Azure.
 */
export function stackTagProblems(tags: Readonly<Record<string, string>>): Problem[] {
    const problems: Problem[] = [];
    const total = Object.keys(tags).length + programTagNames.length;
    if (total > tagLimits.perResource) {
        problems.push({
            key: "tags",
            value: `${Object.keys(tags).length} tags`,
            message:
                `gives every resource ${total} tags with the program's own (${programTagNames.join(", ")}); ` +
                `Azure allows at most ${tagLimits.perResource}, so at most ${tagLimits.perResource - programTagNames.length} here`,
        });
    }
    const seen = new Map<string, string>();
    for (const [name, value] of Object.entries(tags)) {
        const folded = name.toLowerCase();
        const programTag = programTagNames.find((t) => t === folded);
        if (programTag) {
            problems.push({ key: `tags.${name}`, value, message: `is set by the program on every resource ("${programTag}"); choose another tag name` });
        }
        const twin = seen.get(folded);
        if (twin !== undefined) {
            problems.push({ key: `tags.${name}`, value, message: `is the same tag as "${twin}" to Azure (tag names ignore case); keep one` });
        }
        seen.set(folded, name);
        problems.push(...tagNameProblems(name, value, tagLimits.storageAccountNameLength), ...tagValueProblems(name, value));
    }
    return problems;
}

function tagNameProblems(name: string, value: string, maxLength: number): Problem[] {
    const problems: Problem[] = [];
    if (name.length === 0) problems.push({ key: `tags.${name}`, value, message: "has an empty tag name; Azure requires one" });
    if (name.length > maxLength) {
        problems.push({
            key: `tags.${name}`,
            value,
            message:
                `has a ${name.length}-character name; allowed: at most ${maxLength} ` +
                `(Azure allows ${tagLimits.nameLength}, but only ${tagLimits.storageAccountNameLength} on storage accounts, which get these tags)`,
        });
    }
    const forbidden = tagLimits.forbiddenNameCharacters.filter((c) => name.includes(c));
    if (forbidden.length > 0) {
        problems.push({
            key: `tags.${name}`,
            value,
            message: `has ${forbidden.map((c) => `"${c}"`).join(", ")} in its name; tag names may not contain ${tagLimits.forbiddenNameCharacters.join(" ")}`,
        });
    }
    return problems;
}

function tagValueProblems(name: string, value: string): Problem[] {
    if (value.length <= tagLimits.valueLength) return [];
    return [{ key: `tags.${name}`, value, message: `has a ${value.length}-character value; allowed: at most ${tagLimits.valueLength}` }];
}
