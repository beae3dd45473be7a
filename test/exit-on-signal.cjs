// Preloaded into the test process by test/run.mjs. Node's default for SIGTERM ends a process without its
// 'exit' handlers, which are where the helpers stop what a failed test left running (brokers, gateways,
// interpreters) and remove its folders: SIGTERM goes through process.exit instead.
process.on("SIGTERM", () => process.exit(1));
