/**
 * Prints one plain closing line, "jest: N passed, N failed[, N skipped]", that CI tooling reads
 * whatever the test runner.
 */
class SummaryReporter {
    onRunComplete(_contexts, results) {
        const skipped = results.numPendingTests + results.numTodoTests;
        const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
        process.stderr.write(
            `jest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
        );
    }
}
module.exports = SummaryReporter;
