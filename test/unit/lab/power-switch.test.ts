// The lab's power switch over real loopback sockets: what a client sees of a node that serves, loses
// power (silence, then a reset once it has booted), shuts down in order (FIN), loses its link (frozen,
// then carrying on), or whose userland hangs or resets (src/lab/power-switch.ts).

import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PowerSwitchedServer, type Admission } from "../../../src/lab/power-switch.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** An echo server behind a switch; `serverSide` counts the connections the server still has. */
async function echoNode(admission: Admission = "serve") {
  const serverSockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    serverSockets.add(socket);
    socket.on("close", () => serverSockets.delete(socket));
    socket.on("error", () => {});
    socket.pipe(socket);
  });
  let admit = admission;
  const power = new PowerSwitchedServer(server, 0, "127.0.0.1", () => admit);
  await power.on();
  cleanups.push(() => power.close());
  return { power, serverSockets, setAdmission: (a: Admission) => (admit = a) };
}

function client(power: PowerSwitchedServer) {
  const socket = net.connect({ host: "127.0.0.1", port: power.listeningPort() });
  const seen = { connected: false, data: "", ended: false, error: null as string | null, closed: false };
  socket.on("connect", () => (seen.connected = true));
  socket.on("data", (d: Buffer) => (seen.data += d.toString()));
  socket.on("end", () => (seen.ended = true));
  socket.on("error", (e: NodeJS.ErrnoException) => (seen.error = e.code ?? e.message));
  socket.on("close", () => (seen.closed = true));
  cleanups.push(async () => void socket.destroy());
  return { socket, seen };
}

describe("the power switch", () => {
  it("relays while the node runs", async () => {
    const { power } = await echoNode();
    const { socket, seen } = client(power);
    socket.write("ping");
    await until("the echo", () => seen.data === "ping");
  });

  it("power cut: the open connection goes silent, the server loses it; a new one is accepted and never answered", async () => {
    const { power, serverSockets } = await echoNode();
    const old = client(power);
    old.socket.write("a");
    await until("the echo", () => old.seen.data === "a");
    await power.off("power-cut");
    await until("the server to lose its connection", () => serverSockets.size === 0);
    old.socket.write("b");
    const late = client(power);
    late.socket.write("c");
    await sleep(200);
    expect(old.seen).toEqual({ connected: true, data: "a", ended: false, error: null, closed: false });
    expect(late.seen).toEqual({ connected: true, data: "", ended: false, error: null, closed: false });

    // Booted: the old connection is reset, the late one (a SYN still retransmitted) is served.
    await power.on();
    await until("the reset", () => old.seen.closed);
    expect(old.seen).toMatchObject({ data: "a", error: "ECONNRESET" });
    await until("the late echo", () => late.seen.data === "c");
  });

  it("orderly shutdown: the open connection is closed with FIN, then new ones are unanswered", async () => {
    const { power } = await echoNode();
    const old = client(power);
    await until("connected", () => old.seen.connected);
    await power.off("orderly");
    await until("the FIN", () => old.seen.ended);
    expect(old.seen.error).toBeNull();
    const late = client(power);
    late.socket.write("x");
    await sleep(200);
    expect(late.seen).toMatchObject({ connected: true, data: "", closed: false });
  });

  it("orderly shutdown: what the server wrote just before it still reaches the client, then FIN", async () => {
    const { power, serverSockets } = await echoNode();
    const old = client(power);
    await until("connected", () => old.seen.connected && serverSockets.size === 1);
    // As sshd answers `systemctl reboot` a moment before systemd stops the session.
    for (const socket of serverSockets) socket.write("exec ok");
    await power.off("orderly");
    await until("the FIN", () => old.seen.ended);
    expect(old.seen.data).toBe("exec ok");
  });

  it("link cut: the connection freezes both ways, the server keeps it, and it carries on when the link is back", async () => {
    const { power, serverSockets } = await echoNode();
    const { socket, seen } = client(power);
    socket.write("1");
    await until("the echo", () => seen.data === "1");
    await power.off("link-cut");
    socket.write("2");
    await sleep(200);
    expect(seen).toMatchObject({ data: "1", closed: false });
    expect(serverSockets.size).toBe(1);
    await power.on();
    await until("the frozen bytes to arrive", () => seen.data === "12");
    // Power lost while the link is cut: the frozen connection dies with the node.
    await power.off("link-cut");
    await power.off("power-cut");
    await until("the server to lose it", () => serverSockets.size === 0);
  });

  it("admission: a hung userland never answers; a reset is a reset", async () => {
    const node = await echoNode("silent");
    const hung = client(node.power);
    hung.socket.write("x");
    await sleep(200);
    expect(hung.seen).toEqual({ connected: true, data: "", ended: false, error: null, closed: false });
    expect(node.serverSockets.size).toBe(0);
    node.setAdmission("reset");
    const reset = client(node.power);
    await until("the reset", () => reset.seen.closed);
    expect(reset.seen).toMatchObject({ data: "", error: "ECONNRESET" });
  });
});
