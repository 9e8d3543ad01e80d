import { randomInt } from "crypto";
import type * as provider from "@pulumi/pulumi/provider";

/** RandomString's inputs, as @pulumi/random declares them (the ones a result depends on). */
interface RandomStringInputs {
    readonly length: number;
    readonly lower?: boolean;
    readonly upper?: boolean;
    readonly numeric?: boolean;
    readonly number?: boolean;
    readonly special?: boolean;
    readonly minLower?: number;
    readonly minUpper?: number;
    readonly minNumeric?: number;
    readonly minSpecial?: number;
    readonly overrideSpecial?: string;
    readonly keepers?: Record<string, string>;
}

const inputKeys: readonly (keyof RandomStringInputs)[] = [
    "length", "lower", "upper", "numeric", "number", "special",
    "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial", "keepers",
];

/**
 * `random:index/randomString:RandomString` as the real random provider behaves: the result is
 * drawn once, at create, from the allowed alphabets (each `min*` honoured), and kept in the state;
 * every input is replace-on-change (a new string only when the inputs change). Used with the local
 * Azure emulator, where the real plugin cannot be downloaded.
 */
export const randomStringProvider: Pick<provider.Provider, "check" | "diff" | "create" | "read" | "delete"> = {
    async check(_urn, _olds, news) {
        const failures = typeof news.length === "number" && news.length >= 1 ? [] : [{ property: "length", reason: "length must be at least 1" }];
        return { inputs: { lower: true, upper: true, numeric: true, special: true, ...news }, failures };
    },

    async diff(_id, _urn, olds, news) {
        const replaces = inputKeys.filter((key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null));
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(_urn, inputs: RandomStringInputs) {
        const result = drawString(inputs);
        return { id: result, outs: { ...inputs, result } };
    },

    async read(id, _urn, props) {
        return { id, props };
    },

    async delete() {},
};

/** A string of `length` characters from the enabled alphabets, with each alphabet's minimum. */
export function drawString(inputs: RandomStringInputs): string {
    const alphabets = [
        { on: inputs.lower !== false, chars: "abcdefghijklmnopqrstuvwxyz", min: inputs.minLower ?? 0 },
        { on: inputs.upper !== false, chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", min: inputs.minUpper ?? 0 },
        { on: inputs.numeric !== false && inputs.number !== false, chars: "0123456789", min: inputs.minNumeric ?? 0 },
        { on: inputs.special !== false, chars: inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?", min: inputs.minSpecial ?? 0 },
    ].filter((a) => a.on && a.chars.length > 0);
    if (alphabets.length === 0) throw new Error("RandomString needs at least one of lower, upper, numeric, special");
    const pick = (chars: string) => chars[randomInt(chars.length)];
    const chosen = alphabets.flatMap((a) => Array.from({ length: a.min }, () => pick(a.chars)));
    const all = alphabets.map((a) => a.chars).join("");
    while (chosen.length < inputs.length) chosen.push(pick(all));
    for (let i = chosen.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
    }
    return chosen.slice(0, inputs.length).join("");
}
