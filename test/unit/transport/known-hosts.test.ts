// known_hosts as ssh reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): a key is accepted for a host
// only where ssh would accept it, so a negated pattern, a hashed name, a port or a revocation that
// rollgate misread would let a node be reached without the key its admin pinned.

import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fingerprint, hostKeyName, keysForHost, keyTypeOf, parseKnownHosts } from "../../../src/transport/known-hosts.js";

/** An SSH public key blob: its type as the first string field, then some key material. */
function blob(type: string, material: string): Buffer {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, Buffer.from(material)]);
}

const keyA = blob("ssh-ed25519", "key-a");
const keyB = blob("ssh-ed25519", "key-b");
const line = (hosts: string, key: Buffer, marker = "") => `${marker ? `${marker} ` : ""}${hosts} ssh-ed25519 ${key.toString("base64")}`;

/** `ssh-keygen -H`'s form of a name: |1|base64(salt)|base64(HMAC-SHA1(salt, name)). */
function hashed(name: string, salt = randomBytes(20)): string {
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

const accepted = (text: string, host: string, port = 22) => keysForHost(parseKnownHosts(text), host, port).accepted;

describe("known_hosts: which keys a host has", () => {
  it("a plain name matches itself, case-insensitively; comments and blank lines are no entries", () => {
    const text = ["# pinned by init", "", line("pve1", keyA), line("pve2", keyB)].join("\n");
    expect(accepted(text, "pve1")).toEqual([{ type: "ssh-ed25519", blob: keyA }]);
    expect(accepted(text, "PVE1")).toHaveLength(1);
    expect(accepted(text, "pve3")).toEqual([]);
  });

  it("a port other than 22 is looked up as [host]:port, and only so", () => {
    const text = [line("[10.0.0.1]:2222", keyA), line("10.0.0.1", keyB)].join("\n");
    expect(hostKeyName("10.0.0.1", 2222)).toBe("[10.0.0.1]:2222");
    expect(hostKeyName("10.0.0.1", 22)).toBe("10.0.0.1");
    expect(accepted(text, "10.0.0.1", 2222).map((k) => k.blob)).toEqual([keyA]);
    expect(accepted(text, "10.0.0.1", 22).map((k) => k.blob)).toEqual([keyB]);
  });

  it("* and ? are globs; a dot is only a dot", () => {
    const text = [line("pve*", keyA), line("10.0.0.?", keyB)].join("\n");
    expect(accepted(text, "pve12").map((k) => k.blob)).toEqual([keyA]);
    expect(accepted(text, "10.0.0.7").map((k) => k.blob)).toEqual([keyB]);
    expect(accepted(text, "10.0.0.17")).toEqual([]);
    expect(accepted(text, "10a0b0c7")).toEqual([]);
  });

  it("a negated pattern excludes a host the other patterns of its line match, wherever it stands", () => {
    for (const hosts of ["*.lab,!pve2.lab", "!pve2.lab,*.lab"]) {
      const text = line(hosts, keyA);
      expect(accepted(text, "pve1.lab")).toHaveLength(1);
      expect(accepted(text, "pve2.lab")).toEqual([]);
    }
    // A negation alone matches nothing: it only takes away.
    expect(accepted(line("!pve2.lab", keyA), "pve1.lab")).toEqual([]);
  });

  it("a hashed name (ssh-keygen -H) matches the name it hashes, with its port, and nothing else", () => {
    const text = [line(hashed("pve1"), keyA), line(hashed("[pve2]:2222"), keyB)].join("\n");
    expect(accepted(text, "pve1").map((k) => k.blob)).toEqual([keyA]);
    expect(accepted(text, "pve2", 2222).map((k) => k.blob)).toEqual([keyB]);
    expect(accepted(text, "pve2")).toEqual([]);
    expect(accepted(text, "pve3")).toEqual([]);
    expect(accepted(line("|1|broken", keyA), "pve1")).toEqual([]);
  });

  it("@revoked lists a key as revoked, never as accepted", () => {
    const text = [line("pve1", keyA), line("pve1", keyB, "@revoked")].join("\n");
    const keys = keysForHost(parseKnownHosts(text), "pve1", 22);
    expect(keys.accepted.map((k) => k.blob)).toEqual([keyA]);
    expect(keys.revoked.map((k) => k.blob)).toEqual([keyB]);
  });

  it("@cert-authority keys sign host certificates; they are not host keys, so they are not accepted as one", () => {
    const keys = keysForHost(parseKnownHosts(line("*.lab", keyA, "@cert-authority")), "pve1.lab", 22);
    expect(keys).toEqual({ accepted: [], revoked: [] });
  });

  it("a line whose key is not base64, or with fields missing, is no entry", () => {
    expect(parseKnownHosts(["pve1 ssh-ed25519 not*base64", "pve1 ssh-ed25519", "pve1"].join("\n"))).toEqual([]);
  });
});

describe("how keys are named", () => {
  it("fingerprints as ssh prints them, SHA256 and unpadded base64", () => {
    expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprint(keyA)).not.toBe(fingerprint(keyB));
  });

  it("reads the key type from the blob, and says unknown for a blob too short to hold one", () => {
    expect(keyTypeOf(blob("ecdsa-sha2-nistp256", "x"))).toBe("ecdsa-sha2-nistp256");
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe("unknown");
  });
});

describe("known_hosts lines as people write them", () => {
  const key = keyA.toString("base64");

  it("an indented line, or fields apart by several spaces or tabs, is read as any other", () => {
    for (const text of [`   pve1 ssh-ed25519 ${key}`, `pve1  ssh-ed25519\t\t${key}`, `pve1 ssh-ed25519 ${key} root@pve1`]) {
      expect(parseKnownHosts(text)).toEqual([{ marker: null, hosts: "pve1", key: { type: "ssh-ed25519", blob: keyA } }]);
    }
  });

  it("a commented-out entry is no entry, however it is written", () => {
    expect(parseKnownHosts(`#pve1 ssh-ed25519 ${key}\n  # pve2 ssh-ed25519 ${key}`)).toEqual([]);
  });

  it("each marker is read as a marker, with the hosts and key after it", () => {
    expect(parseKnownHosts(`@cert-authority *.lab ssh-ed25519 ${key}\n@revoked pve1 ssh-ed25519 ${key}`)).toEqual([
      { marker: "@cert-authority", hosts: "*.lab", key: { type: "ssh-ed25519", blob: keyA } },
      { marker: "@revoked", hosts: "pve1", key: { type: "ssh-ed25519", blob: keyA } },
    ]);
  });

  it("a key blob too short for the type it announces names no type", () => {
    const truncated = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-")]);
    expect(keyTypeOf(truncated)).toBe("unknown");
    expect(keyTypeOf(Buffer.from([0, 0, 0, 0]))).toBe("unknown");
  });
});
