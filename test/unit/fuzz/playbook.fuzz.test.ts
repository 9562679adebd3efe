// Playbooks mangled like cluster.yaml: parsePlaybook returns a playbook or throws a positioned
// ConfigError/UsageError, fast, never a stack trace.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, it } from "vitest";
import { MAX_ERRORS_SHOWN } from "../../../src/config/limits.js";
import { parsePlaybook } from "../../../src/playbook/playbook.js";
import { ConfigError, UsageError } from "../../../src/util/errors.js";
import { applyAll, assertErrorType, assertReadable, check, garbage, mutations, timed } from "./fuzz.js";

const BUILTIN = ["proxmox-gluster", "proxmox-only"].map((name) =>
  readFileSync(new URL(`../../../playbooks/${name}.yaml`, import.meta.url), "utf8"),
);
const CUSTOM = `node:
  - step: evacuate
  - run: systemctl restart celery
    title: Restart the workers
  - gate: services
    wait: 5m
  - run: ./notify-team.sh
    on: local
    timeout: 30s
`;
const PLAYBOOKS = [...BUILTIN, CUSTOM];

async function parsesOrRefuses(text: string): Promise<void> {
  let thrown: unknown = null;
  const ms = await timed(() => {
    try {
      parsePlaybook(text, "mine.yaml", "mine");
    } catch (error) {
      thrown = error;
    }
  });
  if (ms > 5000) throw new Error(`parsePlaybook took ${Math.round(ms)} ms`);
  if (thrown === null) return;
  assertErrorType(thrown, ConfigError, UsageError);
  assertReadable(thrown.message, MAX_ERRORS_SHOWN + 1);
  const lines = thrown.message.split("\n");
  if (lines.length > 1 && !lines.every((line) => /^mine\.yaml:\d+:\d+: |^… and \d+ more errors$/.test(line)))
    throw new Error(`an error line is not positioned:\n${thrown.message}`);
}

const playbook = fc.constantFrom(...PLAYBOOKS);

describe("playbooks, mutated", () => {
  it("line, number and byte mutations", async () => {
    await check("playbook: mutations", 80, fc.tuple(playbook, mutations(5)), ([text, ms]) => parsesOrRefuses(applyAll(text, ms)));
  });

  it("hostile run: commands, titles and step names", async () => {
    const fields = ["run: systemctl restart celery", "title: Restart the workers", "step: evacuate", "gate: services", "wait: 5m"];
    const hostile = fc.oneof(garbage, fc.constantFrom("$(reboot)", "`id`", "a;b", "x\ny", "*a", "&a [*a, *a]", "!!js/function x"));
    await check("playbook: hostile values", 50, fc.tuple(fc.constantFrom(...fields), hostile, fc.boolean()), ([field, value, quoted]) => {
      const [key] = field.split(": ");
      return parsesOrRefuses(CUSTOM.replace(field, `${key}: ${quoted ? JSON.stringify(value) : value}`));
    });
  });

  it("YAML alias bombs", async () => {
    await check("playbook: alias bombs", 10, fc.integer({ min: 1, max: 9 }), (depth) => {
      const lines = ["x0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
      for (let i = 1; i <= depth; i++) lines.push(`x${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
      return parsesOrRefuses(`${lines.join("\n")}\n${CUSTOM}`);
    });
  });

  it("random documents", async () => {
    await check("playbook: random documents", 30, fc.oneof(fc.string({ maxLength: 200 }), fc.json()), parsesOrRefuses);
  });
});
