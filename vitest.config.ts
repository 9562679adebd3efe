import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/lab/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The lab tests spend most of their time waiting on the lab's timers, not on a core: three
    // files at a time on a two-core machine halve the suite's wall time.
    maxWorkers: 3,
    minWorkers: 1,
  },
});
