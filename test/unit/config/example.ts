// The cluster.yaml sketch of DESIGN.md, with its two placeholders ("AB:CD:…", "https://…") written out.
import { expect } from "vitest";
import { ConfigError } from "../../../src/util/errors.js";

export const FINGERPRINT = "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";

export const EXAMPLE = `cluster: storehouse
proxmox:
  api: https://10.0.0.11:8006            # any node; the cluster is discovered from it
  tokenId: rollgate@pve!upgrade
  tokenSecretFile: /etc/rollgate/pve-token  # or tokenSecretEnv: PVE_TOKEN; never the secret inline
  fingerprint: "${FINGERPRINT}"
ssh:
  user: root
  identityFile: ~/.ssh/id_ed25519
  knownHostsFile: ~/.ssh/known_hosts    # host keys are always verified
nodes:
  - { name: pve1, address: 10.0.0.11, privateAddress: 10.10.0.11 }
  - { name: pve2, address: 10.0.0.12, privateAddress: 10.10.0.12 }
  - { name: pve3, address: 10.0.0.13, privateAddress: 10.10.0.13 }
gluster:
  volumes: [gv0]
critical:
  - group: routers                      # pfSense pair
    vms: [100, 101]
    minHealthy: 2                       # members that must be healthy off the node being upgraded
    spread: true                        # never place two members on one node
    probes: [{ agent: true }, { tcp: "10.0.0.1:443" }]
services:
  - { name: celery, node: pve1, unit: celery.service }
  - { name: dashboard, http: "https://dashboard.example/health" }
upgrade:
  playbook: proxmox-gluster
  order: [pve3, pve2, pve1]             # optional; default puts the node with fewest critical guests first
  guests: migrate                        # migrate | shutdown, with per-guest overrides
timeouts: { heal: 2h, nodeOnline: 15m, migrate: 30m, poll: 10s, settle: 30s }
notify:
  - { on: [failure, success], webhook: "https://hooks.example/rollgate" }
`;

/** `text` with `from` replaced by `to`; `from` must occur exactly once, so that a test cannot silently edit nothing. */
export function edit(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`expected exactly one ${JSON.stringify(from)} in the fixture`);
  return parts.join(to);
}

/** The ConfigError that `run` throws, synchronously or not. */
export async function configErrorOf(run: () => unknown): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    if (error instanceof ConfigError) return error;
  }
  throw new Error("expected a ConfigError, but nothing was thrown");
}
