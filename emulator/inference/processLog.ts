/**
 * What a server printed, kept for a failure report: the cause of a failure is usually the first
 * error and its traceback, printed early, while the end of the output is what happened last (the
 * server shutting down). So the first error block is kept whole, with the last lines beside it;
 * everything else is dropped, so a chatty server cannot grow the buffer without bound.
 */
export class ProcessLog {
    private readonly head: string[] = [];
    private tail: string[] = [];
    private firstError?: { start: number; lines: string[] };

    constructor(
        private readonly headLines = 400,
        private readonly tailLines = 40,
        private readonly errorLines = 80,
    ) {}

    add(chunk: string): void {
        for (const line of chunk.split("\n")) {
            if (line.trim() === "") continue;
            if (this.firstError === undefined && errorStart.test(line)) this.firstError = { start: this.head.length, lines: [] };
            if (this.firstError && this.firstError.lines.length < this.errorLines) this.firstError.lines.push(line);
            if (this.head.length < this.headLines) this.head.push(line);
            this.tail.push(line);
            if (this.tail.length > this.tailLines) this.tail = this.tail.slice(-this.tailLines);
        }
    }

    /** The first error and its traceback (when there was one), then the last lines. */
    report(): string {
        const last = this.tail.join("\n");
        if (!this.firstError) return last;
        const error = this.firstError.lines.join("\n");
        return last.includes(error) ? last : `first error:\n${error}\n...\nlast lines:\n${last}`;
    }
}

/** A line that starts an error report: a Python traceback, or a logged error. */
const errorStart = /^(Traceback \(most recent call last\)|.*\b(ERROR|CRITICAL|Error|Exception)\b)/;
