// The registry of gates, by the names playbooks and `rollgate check --gate` use.

import { criticalHealthyElsewhereGate, criticalHealthyGate } from "./critical-healthy.js";
import { diskSpaceGate } from "./disk-space.js";
import { glusterRecordsGate } from "./gluster-records.js";
import { glusterHealedGate } from "./gluster-healed.js";
import { glusterStorageGate } from "./gluster-storage.js";
import { latestPve8Gate } from "./latest-pve-8.js";
import { noGlusterfsStorageGate } from "./no-glusterfs-storage.js";
import { nodesOnlineGate } from "./nodes-online.js";
import { packageSourcesGate } from "./package-sources.js";
import { permissionsGate } from "./permissions.js";
import { pve8to9Gate } from "./pve8to9.js";
import { runsPve9Gate } from "./runs-pve-9.js";
import { haSpreadGate } from "./ha-spread.js";
import { privateNetworkGate } from "./private-network.js";
import { quorumGate } from "./quorum.js";
import { servicesGate } from "./services.js";
import { trixieRepositoriesGate } from "./trixie-repositories.js";
import type { Gate, GateName } from "./types.js";

export const gates: Record<GateName, Gate> = {
  permissions: permissionsGate,
  "package-sources": packageSourcesGate,
  quorum: quorumGate,
  "nodes-online": nodesOnlineGate,
  "gluster-healed": glusterHealedGate,
  "gluster-storage-failover": glusterStorageGate,
  "critical-healthy": criticalHealthyGate,
  "critical-healthy-elsewhere": criticalHealthyElsewhereGate,
  services: servicesGate,
  "private-network": privateNetworkGate,
  "latest-pve-8": latestPve8Gate,
  "no-glusterfs-storage": noGlusterfsStorageGate,
  pve8to9: pve8to9Gate,
  "disk-space": diskSpaceGate,
  "gluster-records": glusterRecordsGate,
  "trixie-repositories": trixieRepositoriesGate,
  "runs-pve-9": runsPve9Gate,
  "ha-spread": haSpreadGate,
};

export { gateNames, isGateName } from "./names.js";

export type { Gate, GateName, GateInput, Verdict } from "./types.js";
export { isUnobserved, reasonsOf } from "./types.js";
