import { ConfigRule, runRules } from "../../config/ruleRunner";
import { tolerantParse } from "../../config/tolerantParse";
import { z } from "zod";

/** The rule runner keeps exactly the conclusions that do not rest on a value the schema refused. */
const schema = z.strictObject({
    size: z.int().min(1),
    limit: z.int().default(4),
    items: z.array(z.strictObject({ name: z.string(), count: z.int() })),
});
type Config = z.output<typeof schema>;

const sizeWithinLimit: ConfigRule<Config> = (c) => (c.size > c.limit ? [{ key: "size", value: c.size, message: "over the limit" }] : []);
const itemCounts: ConfigRule<Config> = (c, check) =>
    check.each(c.items, (item, i) => (item.count > c.limit ? [{ key: `items[${i}].count`, value: item.count, message: "over the limit" }] : []));
const crashesOnBadInput: ConfigRule<Config> = (c) => (c.items[0].name.toUpperCase() === "X" ? [{ key: "items[0].name", value: "X", message: "x" }] : []);

function run(input: unknown, rules: ConfigRule<Config>[]) {
    const reading = tolerantParse(schema, input);
    return runRules(rules, reading.data, reading.invalidPaths).map((p) => p.key);
}

describe("runRules", () => {
    it("runs every rule on a valid configuration, defaults applied", () => {
        expect(run({ size: 9, items: [{ name: "a", count: 5 }] }, [sizeWithinLimit, itemCounts])).toEqual(["size", "items[0].count"]);
    });

    it("discards a rule's conclusion when it read a refused value, and keeps the others'", () => {
        expect(run({ size: "nine", items: [{ name: "a", count: 5 }] }, [sizeWithinLimit, itemCounts])).toEqual(["items[0].count"]);
    });

    it("discards only the list entry whose value was refused", () => {
        const input = { size: 1, items: [{ name: "a", count: "many" }, { name: "b", count: 5 }] };
        expect(run(input, [itemCounts])).toEqual(["items[1].count"]);
    });

    it("treats a missing required value as refused", () => {
        expect(run({ items: [{ name: "a", count: 1 }] }, [sizeWithinLimit])).toEqual([]);
    });

    it("swallows a crash on a refused value, but not a crash of its own", () => {
        expect(run({ size: 1, items: [{ name: 7, count: 1 }] }, [crashesOnBadInput])).toEqual([]);
        expect(() => run({ size: 1, items: [] }, [crashesOnBadInput])).toThrow(TypeError);
    });

    it("lets no rule change the configuration", () => {
        const mutating: ConfigRule<Config> = (c) => {
            (c as { size: number }).size = 0;
            return [];
        };
        expect(() => run({ size: 1, items: [] }, [mutating])).toThrow("configuration rules must not change the configuration");
    });
});
