/** What the `npm run` entry points share: where a tool writes, and how its outcome becomes the exit code. */

/** The terminal as the tools write to it: their text as it is (they end their own lines). */
export const terminal = {
    stdout: (text: string) => void process.stdout.write(text),
    stderr: (text: string) => void process.stderr.write(text),
};

/** The terminal a line at a time (for tools that hand over lines without their ending). */
export const terminalLines = {
    stdout: (text: string) => console.log(text),
    stderr: (text: string) => console.error(text),
};

/** Exits with the command's code; a command that throws prints its message alone and exits with `failureCode`. */
export function exitWith(command: Promise<number>, failureCode = 1): void {
    command.then(
        (code) => process.exit(code),
        (err) => {
            console.error(err instanceof Error ? err.message : err);
            process.exit(failureCode);
        },
    );
}
