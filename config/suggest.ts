import { distance } from "fastest-levenshtein";

/**
 * The known names closest to a misspelt one, best first, for "did you mean" hints. Names are
 * compared in a normalised form (lower case, and whatever `normalise` strips, e.g. the
 * `Standard_` of VM sizes), so `DS3_v2` finds `Standard_DS3_v2` and `authmode` finds `authMode`.
 * Only the closest names are offered (ties), and only within a third of the word's length of
 * edits: a wild guess helps nobody.
 */
export function nearestNames(
    value: string,
    known: Iterable<string>,
    options: { limit?: number; normalise?: (name: string) => string } = {},
): string[] {
    const normalise = (name: string) => (options.normalise ?? ((n) => n))(name.toLowerCase());
    const wanted = normalise(value);
    const maxDistance = Math.max(2, Math.floor(wanted.length / 3));
    const candidates = [...new Set(known)]
        .map((name) => ({ name, distance: distance(wanted, normalise(name)) }))
        .filter((candidate) => candidate.distance <= maxDistance);
    const best = Math.min(...candidates.map((c) => c.distance));
    return candidates
        .filter((candidate) => candidate.distance === best)
        .sort((a, b) => a.name.localeCompare(b.name))
        .slice(0, options.limit ?? 3)
        .map((candidate) => candidate.name);
}

/** `; did you mean "a" or "b"?`, or "" when nothing is close. */
export function didYouMean(suggestions: readonly string[]): string {
    if (suggestions.length === 0) return "";
    const quoted = suggestions.map((s) => `"${s}"`);
    const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
    return `; did you mean ${list}?`;
}
