// Lint: the type-aware rules that catch what tsc cannot, a promise nobody awaits or handles
// (an unhandled rejection ends the process, or a change runs unobserved) and a promise passed
// where a callback's result is ignored. Formatting is Prettier's (npm run format).
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "dist-bench/**", "node_modules/**", "reports/**", "coverage/**", ".stryker-tmp/**"] },
  {
    files: ["src/**/*.ts", "test/**/*.ts", "bench/**/*.ts"],
    extends: [tseslint.configs.base],
    languageOptions: {
      // tsconfig.test.json covers src, test and bench alike.
      parserOptions: { project: ["./tsconfig.test.json"], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
      // Rethrowing what a catch received (unknown) is fine; throwing a string is not.
      "@typescript-eslint/only-throw-error": ["error", { allowThrowingUnknown: true, allowThrowingAny: true }],
    },
  },
);
