// services: every declared systemd unit is active and every HTTP probe answers 2xx.

import { describe, expect, it } from "vitest";
import { failed, observed } from "../../../src/observe/state.js";
import {
  DASHBOARD_URL,
  degraded,
  evaluate,
  expectPass,
  expectRefusal,
  healthyState,
  serviceResult,
  type Mutator,
} from "./state-factory.js";

describe("services gate", () => {
  it("passes when celery is active and the dashboard answers 200", () => {
    const verdict = evaluate("services", healthyState());
    expectPass(verdict);
    expect(verdict.checked).toEqual(["service celery (celery.service on pve1): active", `service dashboard (${DASHBOARD_URL}): HTTP 200`]);
    expect(verdict.summary).toBe(`celery.service active on pve1, ${DASHBOARD_URL} HTTP 200`);
  });

  it.each<[string, Mutator, string]>([
    [
      "a unit is inactive",
      serviceResult("celery", observed({ healthy: false, detail: "inactive" })),
      `celery.service inactive on pve1, ${DASHBOARD_URL} HTTP 200`,
    ],
    // The service that refuses comes first, however the list is ordered.
    [
      "an HTTP probe answers 503",
      serviceResult("dashboard", observed({ healthy: false, detail: "HTTP 503" })),
      `${DASHBOARD_URL} HTTP 503, celery.service active on pve1`,
    ],
    [
      "a unit's state is unobservable",
      serviceResult("celery", failed("systemctl is-active exited 1")),
      `celery.service unknown (check failed) on pve1, ${DASHBOARD_URL} HTTP 200`,
    ],
    [
      "the services were not checked at all",
      (s) => void delete s.services,
      `celery.service unknown (not read) on pve1, ${DASHBOARD_URL} unknown (not read)`,
    ],
  ])("summarizes the refusal when %s", (_, mutate, summary) => {
    const verdict = evaluate("services", degraded(mutate));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toBe(summary);
  });

  it.each<[string, Mutator, string[]]>([
    [
      "a unit is inactive",
      serviceResult("celery", observed({ healthy: false, detail: "inactive" })),
      ["service celery (celery.service on pve1): inactive", "`systemctl status celery.service` on pve1"],
    ],
    [
      "a unit has failed",
      serviceResult("celery", observed({ healthy: false, detail: "failed" })),
      ["service celery (celery.service on pve1): failed"],
    ],
    [
      "an HTTP probe answers 503",
      serviceResult("dashboard", observed({ healthy: false, detail: "HTTP 503" })),
      [`service dashboard (${DASHBOARD_URL}): HTTP 503`],
    ],
    [
      "a unit's state is unobservable",
      serviceResult("celery", failed("systemctl is-active exited 1: Failed to connect to bus: No such file or directory")),
      [
        "service celery (celery.service on pve1): could not be observed (systemctl is-active exited 1: Failed to connect to bus: No such file or directory)",
      ],
    ],
    [
      "an HTTP probe cannot connect",
      serviceResult("dashboard", failed("getaddrinfo ENOTFOUND dashboard.example")),
      [`service dashboard (${DASHBOARD_URL}): could not be observed (getaddrinfo ENOTFOUND dashboard.example)`],
    ],
    ["the services were not checked at all", (s) => void delete s.services, ["service celery: could not be observed (not collected)"]],
  ])("refuses when %s", (_, mutate, texts) => {
    expectRefusal(evaluate("services", degraded(mutate)), ...texts);
  });
});
