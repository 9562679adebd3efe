import type * as z from "zod";
import type { Problem } from "./positions.js";
import { knownKeysAt, unknownKeyProblem } from "./unknown-keys.js";

/** Zod's issues as problems, one per offending key or value: zod reports all unknown keys of a mapping in one issue. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeysAt(schema, issue.path);
        return issue.keys.map((key) => ({ path: [...issue.path, key], anchor: "key", problem: unknownKeyProblem(key, known) }));
      }
      case "invalid_key":
        return [{ path: issue.path, anchor: "key", problem: issue.issues[0]?.message ?? issue.message }];
      default:
        return [{ path: issue.path, anchor: "value", problem: issue.message }];
    }
  });
}
