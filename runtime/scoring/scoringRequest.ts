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

/**
 * Which serving contract a request file is written for: Azure ML's no-code MLflow deployments
 * (`input_data`), or MLflow's scoring server as Databricks Model Serving speaks it
 * (`dataframe_records`, `dataframe_split`, `instances` or `inputs`).
 */
export type RequestFormat = "azureml" | "mlflow";

export interface ScoringRequest {
    /**
     * The request file's text, sent byte for byte: what the user wrote is what is tested (parsed
     * and re-serialised, `1.0` would go out as `1`, and integer JSON can change how a column is read).
     */
    readonly text: string;
    /** The parsed request, for checks and for counting rows; never sent. */
    readonly body: unknown;
    /** Rows sent: the answer must hold exactly this many predictions. */
    readonly rows: number;
    readonly columns: readonly string[];
}

export function parseScoringRequest(text: string, source: string, format: RequestFormat = "azureml"): ScoringRequest {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw new Error(`${source} is not JSON: ${(err as Error).message}`);
    }
    if (format === "mlflow") return parseMlflowRequest(text, json, source);
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

export function readScoringRequest(file: string, format: RequestFormat = "azureml"): ScoringRequest {
    if (!fs.existsSync(file)) throw new Error(`request file ${file} does not exist`);
    return parseScoringRequest(fs.readFileSync(file, "utf8"), file, format);
}

/** The fields MLflow's scoring server takes a model input from; a request has exactly one. */
export const mlflowInputFields = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;

const records = z.array(z.record(z.string(), z.unknown())).min(1);
const mlflowInputs = {
    dataframe_records: records,
    dataframe_split: z.strictObject({
        columns: z.array(z.string()).min(1),
        index: z.array(z.union([z.number(), z.string()])).optional(),
        data: z.array(z.array(z.unknown())).min(1),
    }),
    instances: z.union([records, z.array(z.unknown()).min(1)]),
    inputs: z.union([records, z.array(z.unknown()).min(1), z.record(z.string(), z.array(z.unknown()).min(1))]),
};

/**
 * A request to MLflow's scoring server (mlflow/pyfunc/scoring_server/__init__.py): a JSON object
 * with exactly one input field (a list body, or none or two of them, is answered 400) and an
 * optional `params`. Rows and columns are read from whichever field it is.
 */
function parseMlflowRequest(text: string, json: unknown, source: string): ScoringRequest {
    const expected = `{"dataframe_records": [...]}, {"dataframe_split": {...}}, {"instances": [...]} or {"inputs": ...}`;
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new Error(`${source} is not an MLflow scoring request: it must be a JSON object with exactly one of ${expected}`);
    }
    const fields = mlflowInputFields.filter((field) => field in json);
    if (fields.length !== 1) {
        throw new Error(`${source} is not an MLflow scoring request: it has ${fields.length === 0 ? "none" : fields.join(" and ")} of ${mlflowInputFields.join(", ")}; exactly one is allowed: ${expected}`);
    }
    const field = fields[0];
    const parsed = mlflowInputs[field].safeParse((json as Record<string, unknown>)[field]);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${[field, ...i.path].join(".")}: ${i.message}`).join("; ");
        throw new Error(`${source} is not an MLflow scoring request: ${problems}`);
    }
    const input = parsed.data as unknown;
    if (field === "dataframe_split") {
        const split = input as { columns: string[]; data: unknown[][] };
        const ragged = split.data.findIndex((row) => row.length !== split.columns.length);
        if (ragged >= 0) throw new Error(`${source}: dataframe_split.data[${ragged}] has ${split.data[ragged].length} values for ${split.columns.length} columns`);
        return { text, body: json, rows: split.data.length, columns: split.columns };
    }
    if (Array.isArray(input)) {
        const columns = [...new Set(input.flatMap((row) => (typeof row === "object" && row !== null && !Array.isArray(row) ? Object.keys(row) : [])))];
        return { text, body: json, rows: input.length, columns };
    }
    // `inputs` as columns: {"Island": [...], ...}
    const columnsOf = input as Record<string, unknown[]>;
    return { text, body: json, rows: Math.max(...Object.values(columnsOf).map((v) => v.length)), columns: Object.keys(columnsOf) };
}
