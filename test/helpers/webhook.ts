// An HTTP receiver for rollgate's notifications: every JSON body it was sent, in order, and every
// request as it came (ntfy's text bodies, heartbeat pings).

import http from "node:http";
import type { AddressInfo } from "node:net";

export interface WebhookReceiver {
  port: number;
  received: unknown[];
  requests: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: unknown[] = [];
  const requests: WebhookReceiver["requests"] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      requests.push({ url: req.url ?? "", headers: req.headers, body });
      if (req.headers["content-type"] === "application/json") received.push(JSON.parse(body));
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
