// Pulumi records a stack trace for every promise it creates, and jest maps each frame through
// source maps: with jest's default of 100 frames that dominates the run time of program tests.
// Ten frames keep failure traces readable.
Error.stackTraceLimit = 10;
