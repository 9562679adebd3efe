import { describe, expect, it } from "vitest";
import { redactorOf } from "../../../src/util/redact.js";

const SECRET = "3f0c8e2a-91d4-4b6e-a7c5-5d2e8f1b9c40";

describe("redactorOf", () => {
  it("replaces every occurrence of a secret, the longest first", () => {
    const redactor = redactorOf([SECRET.slice(0, 8), SECRET]);
    expect(redactor.text(`a ${SECRET} b ${SECRET}\n`)).toBe("a [redacted] b [redacted]\n");
    expect(redactor.text(`cut: ${SECRET.slice(0, 12)}`)).toBe("cut: [redacted]-91d");
  });

  it("leaves values shorter than 8 characters alone: they would blank ordinary words", () => {
    const redactor = redactorOf(["root", "pve1"]);
    expect(redactor.text("root@pve1")).toBe("root@pve1");
    const event = { type: "step-output", text: "root" };
    expect(redactor.data(event)).toBe(event);
  });

  it("redacts every string of an event or a body, keys and nested values included", () => {
    const redactor = redactorOf([SECRET]);
    const event = { type: "action", detail: { command: `cat ${SECRET}`, [SECRET]: [1, `x${SECRET}`, null] }, ok: false };
    expect(redactor.data(event)).toEqual({
      type: "action",
      detail: { command: "cat [redacted]", "[redacted]": [1, "x[redacted]", null] },
      ok: false,
    });
    expect(event.detail.command).toBe(`cat ${SECRET}`);
  });
});
