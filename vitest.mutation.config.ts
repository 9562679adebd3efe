// The tests StrykerJS runs against each mutant (stryker.config.mjs): the unit suite, whose files
// run in seconds; the lab suites' minutes per file would make one run of thousands of mutants
// last a day. Unit tests that need a cluster start a lab of their own (test/unit/steps).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
