// npm run test:mutation: StrykerJS changes the safety code one small way at a time (a condition
// negated, a comparison moved by one, a statement removed) and runs the unit tests that cover
// each change; a change no test notices is a survivor, a test missing. Incremental: a run after a
// change tests again only the mutants whose code or tests changed (reports/mutation/incremental.json).
// The summary per file is reports/mutation.md (scripts/mutation-summary.mjs), quoted in README.

/**
 * The safety-critical code the contract rests on (README, "Testing"), so far: the gate wait and
 * its steady watch, the wait for a rebooted node, known_hosts, the gates of a take-down and the
 * heal info text reader. The engine, observation, the lock, the journal, the XML reader and the
 * steps that take a node down are still to be added (each a run of its own the first time).
 */
const safetyCode = [
  "src/steps/wait.ts",
  "src/run/steady-watch.ts",
  "src/steps/wait-online.ts",
  "src/transport/known-hosts.ts",
  "src/gates/gluster-healed.ts",
  "src/gates/quorum.ts",
  "src/gates/nodes-online.ts",
  "src/gates/critical-healthy.ts",
  "src/gates/services.ts",
  "src/gates/private-network.ts",
  "src/gluster/heal-tally.ts",
  "src/gluster/heal-info-text.ts",
];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  coverageAnalysis: "perTest",
  mutate: safetyCode,
  incremental: true,
  incrementalFile: "reports/mutation/incremental.json",
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/index.html" },
  thresholds: { high: 95, low: 90, break: null },
  concurrency: 2,
  timeoutMS: 20_000,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
