import { defineConfig } from "vitest/config";

// `npm run test:real`: real OpenSSH and GlusterFS on this machine (root). The suites share the
// machine's network namespaces, bridge and loopback addresses, so files run one after another.
export default defineConfig({
  test: {
    include: ["test/real/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
