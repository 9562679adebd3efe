// Webhook notifications against a real HTTP server on 127.0.0.1: what arrives, which outcomes send,
// and that every way a webhook can fail is a failed result (never a throw, never a secret shown).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { WebhookNotifyConfig, NotifyEvent } from "../../../src/config/index.js";
import { failedReport } from "../../helpers/run-report.js";
import { notificationBody, notify, notifyEventFor, type RunReport } from "../../../src/notify/index.js";
import { pingFor, pingHeartbeat } from "../../../src/notify/heartbeat.js";
import type { Outcome } from "../../../src/run/events.js";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A webhook receiver; `answer` decides the response (or leaves the request hanging). */
async function receiver(
  answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end(),
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      answer(res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const SECRET = "Bearer s3cr3t-t0ken-value";

function hook(url: string, on: NotifyEvent[], headers: Record<string, string> = {}): WebhookNotifyConfig {
  return { kind: "webhook", on, webhook: url, format: "json", headers };
}

describe("notificationBody", () => {
  it("carries the whole report, the event, and a text a person reads in a chat message", () => {
    const body = notificationBody(failedReport);
    expect(body).toMatchObject({ ...failedReport, event: "failure" });
    expect(body.text).toBe(
      "rollgate storehouse: FAILED (exit 4): gluster-healed still refuses after 2h: gv0 pve2:/data/brick/gv0: 205 entries pending. " +
        "ACTION REQUIRED: Find out why, fix it, and continue with `rollgate upgrade --resume`. " +
        "Still in HA maintenance mode: pve3. Upgraded in this run: pve1. " +
        "Run 20261122-2250 on ops1, 2026-11-22T22:50:00.000Z to 2026-11-23T01:10:00.000Z.",
    );
  });

  it("says nothing about action or maintenance when there is none", () => {
    const body = notificationBody({
      ...failedReport,
      outcome: "success",
      exitCode: 0,
      message: "upgraded pve1, pve2",
      humanAction: null,
      maintenanceLeftOn: [],
      nodesDone: ["pve1", "pve2"],
    });
    expect(body.event).toBe("success");
    expect(body.text).toMatch(/^rollgate storehouse: success \(exit 0\): upgraded pve1, pve2\. Upgraded in this run: pve1, pve2\. Run /);
  });
});

describe("notifyEventFor", () => {
  it.each([
    ["success", "success"],
    ["paused", "success"],
    ["refused", "refusal"],
    ["outside-window", "refusal"],
    ["failed", "failure"],
    ["interrupted", "interrupted"],
  ] as [Outcome, NotifyEvent][])("%s → %s", (outcome, event) => {
    expect(notifyEventFor(outcome)).toBe(event);
  });
});

describe("notify", () => {
  it("POSTs the JSON body with content type, user agent and the configured headers", async () => {
    const server = await receiver();
    const results = await notify(
      [hook(`${server.url}/hooks/rollgate`, ["failure"], { Authorization: SECRET, "X-Team": "ops" })],
      failedReport,
      { timeoutMs: 2000 },
    );
    expect(results).toEqual([
      {
        target: `notify[0] ${server.url}`,
        event: "failure",
        ok: true,
        status: 204,
        message: `notify[0] ${server.url}: delivered (HTTP 204 No Content)`,
      },
    ]);
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request).toMatchObject({ method: "POST", url: "/hooks/rollgate" });
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["user-agent"]).toMatch(/^rollgate\/\d+\.\d+\.\d+/);
    expect(request!.headers["authorization"]).toBe(SECRET);
    expect(request!.headers["x-team"]).toBe("ops");
    expect(JSON.parse(request!.body)).toEqual(notificationBody(failedReport));
  });

  it("sends only to the notifications whose `on` lists the run's event, in cluster.yaml's order", async () => {
    const server = await receiver();
    const configs = [
      hook(`${server.url}/a`, ["success"]),
      hook(`${server.url}/b`, ["failure", "refusal"]),
      hook(`${server.url}/c`, ["interrupted"]),
      hook(`${server.url}/d`, ["failure"]),
    ];
    const results = await notify(configs, failedReport, { timeoutMs: 2000 });
    expect(results.map((r) => r.target)).toEqual([`notify[1] ${server.url}`, `notify[3] ${server.url}`]);
    expect(server.received.map((r) => r.url).sort()).toEqual(["/b", "/d"]);

    expect(await notify(configs, { ...failedReport, outcome: "outside-window", exitCode: 7 }, { timeoutMs: 2000 })).toHaveLength(1);
    expect(server.received.map((r) => r.url).sort()).toEqual(["/b", "/b", "/d"]);
    expect(await notify([hook(server.url, ["success"])], failedReport, { timeoutMs: 2000 })).toEqual([]);
  });

  it("reports a 500 as a failed result with the answer, without throwing or showing a header value", async () => {
    const server = await receiver((res) =>
      res.writeHead(500, { "content-type": "text/plain" }).end(`internal error\nrejected ${SECRET}\n`),
    );
    const results = await notify([hook(`${server.url}/secret-path-token`, ["failure"], { Authorization: SECRET })], failedReport, {
      timeoutMs: 2000,
    });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: false, status: 500, event: "failure" });
    expect(results[0]!.message).toBe(`notify[0] ${server.url}: HTTP 500 Internal Server Error: internal error rejected [redacted]`);
    expect(results[0]!.message).not.toContain("s3cr3t");
    expect(results[0]!.message).not.toContain("secret-path-token");
  });

  it("does not follow a redirect (it would carry the headers elsewhere)", async () => {
    const target = await receiver();
    const server = await receiver((res) => res.writeHead(301, { location: `${target.url}/moved` }).end());
    const [result] = await notify([hook(server.url, ["failure"], { Authorization: SECRET })], failedReport, { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: false, status: 301 });
    expect(result!.message).toContain(`redirected to ${target.url}`);
    expect(target.received).toEqual([]);
  });

  it("reports a refused connection as a failed result without throwing", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    const [result] = await notify([hook(url, ["failure"], { "X-Api-Key": SECRET })], failedReport, { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result!.message).toMatch(/^notify\[0\] http:\/\/127\.0\.0\.1:\d+: could not deliver \(fetch failed\): connect ECONNREFUSED/);
    expect(result!.message).not.toContain(SECRET);
  });

  it("gives up after the timeout when the server never answers", async () => {
    const server = await receiver(() => {
      // Never answers.
    });
    const started = Date.now();
    const [result] = await notify([hook(server.url, ["failure"])], failedReport, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ ok: false, status: null, message: `notify[0] ${server.url}: no answer within 300 ms` });
    expect(server.received).toHaveLength(1);
  });

  it("turns a fetch that throws anything into a failed result", async () => {
    const broken = (() => Promise.reject(new Error(`boom near ${SECRET}`))) as typeof fetch;
    const results = await notify(
      [hook("https://hooks.example.com/services/T0/B0/XYZ", ["failure"], { Authorization: SECRET })],
      failedReport,
      { timeoutMs: 100, fetch: broken },
    );
    expect(results).toEqual([
      {
        target: "notify[0] https://hooks.example.com",
        event: "failure",
        ok: false,
        status: null,
        message: "notify[0] https://hooks.example.com: could not deliver: boom near [redacted]",
      },
    ]);
  });
});

describe("ntfy and Gotify formats", () => {
  it("ntfy: the summary as the text body, with Title, Priority and Tags; a failure is urgent", async () => {
    const server = await receiver();
    const [result] = await notify([{ ...hook(`${server.url}/storehouse-rollgate`, ["failure"]), format: "ntfy" }], failedReport, {
      timeoutMs: 2000,
    });
    expect(result!.ok).toBe(true);
    const [request] = server.received;
    expect(request!.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(request!.headers["title"]).toBe("rollgate storehouse: FAILED (exit 4)");
    expect(request!.headers["priority"]).toBe("5");
    expect(request!.headers["tags"]).toBe("rotating_light");
    expect(request!.body).toBe(notificationBody(failedReport).text);
    expect(request!.body).toContain("ACTION REQUIRED: Find out why");
  });

  it("ntfy: a success is of default priority, and a header set in cluster.yaml wins", async () => {
    const server = await receiver();
    const success: RunReport = { ...failedReport, outcome: "success", exitCode: 0, humanAction: null, maintenanceLeftOn: [] };
    await notify([{ ...hook(server.url, ["success"], { Priority: "2", Authorization: SECRET }), format: "ntfy" }], success, {
      timeoutMs: 2000,
    });
    expect(server.received[0]!.headers["priority"]).toBe("2");
    expect(server.received[0]!.headers["tags"]).toBe("white_check_mark");
    expect(server.received[0]!.headers["authorization"]).toBe(SECRET);
  });

  it("gotify: title, message and a priority that pops up for a failure", async () => {
    const server = await receiver();
    await notify([{ ...hook(`${server.url}/message`, ["failure"], { "X-Gotify-Key": "AbCdEf123" }), format: "gotify" }], failedReport, {
      timeoutMs: 2000,
    });
    const [request] = server.received;
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["x-gotify-key"]).toBe("AbCdEf123");
    expect(JSON.parse(request!.body)).toEqual({
      title: "rollgate storehouse: FAILED (exit 4)",
      message: notificationBody(failedReport).text,
      priority: 8,
    });
  });

  it("a secret in the report never reaches the phone", async () => {
    const server = await receiver();
    await notify(
      [{ ...hook(server.url, ["failure"]), format: "ntfy" }],
      { ...failedReport, message: "apt said: token=tok-very-secret-1234" },
      { timeoutMs: 2000, secrets: ["tok-very-secret-1234"] },
    );
    expect(server.received[0]!.body).not.toContain("tok-very-secret-1234");
    expect(server.received[0]!.body).toContain("[redacted]");
  });
});

describe("the heartbeat", () => {
  it("pings URL/start, then URL on exit 0 or 7 and URL/fail on any other exit, with the summary as its body", async () => {
    const server = await receiver((res) => res.writeHead(200).end("OK"));
    const base = `${server.url}/ping/0f6e3c4a-8d7b-4e2a-9c1d-2b3a4c5d6e7f`;
    expect(await pingHeartbeat(base, "start", "run started", { timeoutMs: 2000 })).toMatchObject({ ok: true });
    for (const code of [0, 7, 3, 4, 6]) await pingHeartbeat(base, pingFor(code), `exit ${code}`, { timeoutMs: 2000 });
    expect(server.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ["POST", "/ping/0f6e3c4a-8d7b-4e2a-9c1d-2b3a4c5d6e7f/start", "run started"],
      ["POST", "/ping/0f6e3c4a-8d7b-4e2a-9c1d-2b3a4c5d6e7f", "exit 0"],
      ["POST", "/ping/0f6e3c4a-8d7b-4e2a-9c1d-2b3a4c5d6e7f", "exit 7"],
      ["POST", "/ping/0f6e3c4a-8d7b-4e2a-9c1d-2b3a4c5d6e7f/fail", "exit 3"],
      ["POST", "/ping/0f6e3c4a-8d7b-4e2a-9c1d-2b3a4c5d6e7f/fail", "exit 4"],
      ["POST", "/ping/0f6e3c4a-8d7b-4e2a-9c1d-2b3a4c5d6e7f/fail", "exit 6"],
    ]);
  });

  it("a ping that fails is a result naming no UUID, never a throw", async () => {
    const port = await closedPort();
    const result = await pingHeartbeat(`http://127.0.0.1:${port}/0f6e3c4a-8d7b-4e2a-9c1d-2b3a4c5d6e7f`, "fail", "x", { timeoutMs: 2000 });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^heartbeat fail: /);
    expect(result.message).not.toContain("0f6e3c4a");
  });
});
