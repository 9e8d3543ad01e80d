import * as fs from "fs";
import * as path from "path";

/** One model folder's measured start: Azure's inference server, from spawn to its liveness route answering. */
export interface LoadTime {
    /** The folder it was measured from (for people; the key is its content). */
    readonly model: string;
    readonly seconds: number;
    readonly measured: string;
}

/**
 * Load times measured offline (`npm run load-times`, tools/loadTimes/), committed beside the
 * models in `models/load-times.json` and keyed by each folder's content SHA-256: a changed model
 * has no measurement until it is measured again.
 */
export interface LoadTimes {
    readonly how: string;
    readonly items: Readonly<Record<string, LoadTime>>;
}

export const loadTimesFile = (projectDir: string) => path.join(projectDir, "models", "load-times.json");

export function readLoadTimes(projectDir: string): LoadTimes {
    const file = loadTimesFile(projectDir);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as LoadTimes) : { how: "", items: {} };
}
