// The lab's secrets and identities, made fresh for every lab: an SSH client key, one host key per
// node, a cluster CA with one certificate per node (as pve-cluster makes them), and an API token.

import { randomUUID } from "node:crypto";
import ssh2 from "ssh2";
import { generate } from "selfsigned";
import type { NodeSpec } from "./model/topology.js";

export interface NodeCredentials {
  hostKey: { private: string; public: string };
  tls: { key: string; cert: string };
}

export interface LabCredentials {
  clientKey: { private: string; public: string };
  caCert: string;
  token: { tokenId: string; secret: string };
  nodes: Map<string, NodeCredentials>;
}

export function sshKeyPair(comment: string): { private: string; public: string } {
  // ssh2 1.17 writes an ed25519 key it cannot read back about once in 250 (measured: 12 of 3000),
  // which made a lab fail to start now and then: keep only a pair that parses.
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) {
      return { private: pair.private, public: pair.public };
    }
  }
  throw new Error("could not generate a usable ed25519 key pair in 20 attempts");
}

export async function makeCredentials(clusterName: string, nodes: NodeSpec[]): Promise<LabCredentials> {
  const ca = await generate(
    [
      { name: "commonName", value: "Proxmox Virtual Environment" },
      { shortName: "OU", value: randomUUID() },
      { name: "organizationName", value: "PVE Cluster Manager CA" },
    ],
    {
      keyType: "ec",
      algorithm: "sha256",
      notAfterDate: new Date(Date.now() + 10 * 365 * 86_400_000),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      ],
    },
  );
  const entries = await Promise.all(
    nodes.map(async (node): Promise<[string, NodeCredentials]> => {
      // pve-cluster's node certificates name the node and its address, plus localhost.
      const cert = await generate(
        [
          { name: "commonName", value: `${node.name}.${clusterName}.lan` },
          { shortName: "OU", value: "PVE Cluster Node" },
          { name: "organizationName", value: "Proxmox Virtual Environment" },
        ],
        {
          keyType: "ec",
          algorithm: "sha256",
          ca: { key: ca.private, cert: ca.cert },
          notAfterDate: new Date(Date.now() + 2 * 365 * 86_400_000),
          extensions: [
            { name: "basicConstraints", cA: false },
            { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
            { name: "extKeyUsage", serverAuth: true },
            {
              name: "subjectAltName",
              altNames: [
                { type: 7, ip: "127.0.0.1" },
                { type: 2, value: "localhost" },
                { type: 7, ip: node.address },
                { type: 2, value: node.name },
                { type: 2, value: `${node.name}.${clusterName}.lan` },
              ],
            },
          ],
        },
      );
      return [node.name, { hostKey: sshKeyPair(`root@${node.name}`), tls: { key: cert.private, cert: cert.cert } }];
    }),
  );
  return {
    clientKey: sshKeyPair("rollgate@lab"),
    caCert: ca.cert,
    token: { tokenId: "rollgate@pve!upgrade", secret: randomUUID() },
    nodes: new Map(entries),
  };
}
