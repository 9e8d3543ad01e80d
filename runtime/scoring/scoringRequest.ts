import * as fs from "fs";
import { z } from "zod";

/**
 * A request in the managed online endpoint's format for no-code MLflow deployments: pandas
 * "split" orientation under `input_data` (with `index`, which Azure expects), optional `params`.
 */
const requestSchema = z.strictObject({
    input_data: z.strictObject({
        columns: z.array(z.string()).min(1),
        index: z.array(z.union([z.number(), z.string()])),
        data: z.array(z.array(z.unknown())).min(1),
    }),
    params: z.record(z.string(), z.unknown()).optional(),
});

export type ScoringRequestBody = z.infer<typeof requestSchema>;

export interface ScoringRequest {
    /**
     * The request file's text, sent byte for byte: what the user wrote is what is tested (parsed
     * and re-serialised, `1.0` would go out as `1`, and integer JSON can change how a column is read).
     */
    readonly text: string;
    /** The parsed request, for checks and for counting rows; never sent. */
    readonly body: ScoringRequestBody;
    /** Rows sent: the answer must hold exactly this many predictions. */
    readonly rows: number;
    readonly columns: readonly string[];
}

export function parseScoringRequest(text: string, source: string): ScoringRequest {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw new Error(`${source} is not JSON: ${(err as Error).message}`);
    }
    const parsed = requestSchema.safeParse(json);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
        throw new Error(
            `${source} is not an online endpoint request ({"input_data": {"columns", "index", "data"}}): ${problems}`,
        );
    }
    const { columns, index, data } = parsed.data.input_data;
    if (index.length !== data.length) {
        throw new Error(`${source}: input_data.index has ${index.length} entries but data has ${data.length} rows`);
    }
    const ragged = data.findIndex((row) => row.length !== columns.length);
    if (ragged >= 0) {
        throw new Error(`${source}: input_data.data[${ragged}] has ${data[ragged].length} values for ${columns.length} columns`);
    }
    return { text, body: parsed.data, rows: data.length, columns };
}

export function readScoringRequest(file: string): ScoringRequest {
    if (!fs.existsSync(file)) throw new Error(`request file ${file} does not exist`);
    return parseScoringRequest(fs.readFileSync(file, "utf8"), file);
}
