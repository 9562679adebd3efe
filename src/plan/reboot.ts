// Will the node need a reboot? Compare the kernel it runs with the newest one it will have
// installed: /run/reboot-required only exists where reboot-notifier is installed (docs/domain/reboots.md).

import type { NodePackages } from "../observe/state.js";
import { newestKernel } from "../util/kernel-version.js";

export interface RebootPrediction {
  needed: boolean;
  reason: string;
  /** The kernel the node will boot into. */
  kernelAfter: string;
}

const kernelPackage = /^(?:proxmox|pve)-kernel-(\d+\.\d+\.\d+-\d+-pve)(?:-signed)?$/;

export function kernelsAfterUpgrade(packages: NodePackages): string[] {
  const incoming = packages.pending.flatMap((p) => {
    const m = kernelPackage.exec(p.name);
    return m ? [m[1]!] : [];
  });
  return [...new Set([...packages.installedKernels, ...incoming])];
}

export function predictReboot(packages: NodePackages): RebootPrediction {
  const running = packages.runningKernel;
  if (packages.pinnedKernel) {
    // A pin decides what boots, however new the other kernels are.
    const pinned = packages.pinnedKernel;
    if (pinned !== running) return { needed: true, reason: `kernel ${pinned} is pinned but ${running} is running`, kernelAfter: pinned };
    return packages.rebootRequiredFile
      ? { needed: true, reason: "/run/reboot-required exists", kernelAfter: pinned }
      : {
          needed: false,
          reason: `running the pinned kernel ${pinned} (proxmox-boot-tool kernel unpin to follow new kernels)`,
          kernelAfter: pinned,
        };
  }
  const installedNewest = newestKernel(packages.installedKernels) ?? running;
  const after = newestKernel(kernelsAfterUpgrade(packages)) ?? running;
  if (after !== installedNewest) return { needed: true, reason: `new kernel ${after} (running ${running})`, kernelAfter: after };
  if (after !== running) return { needed: true, reason: `kernel ${after} is installed but ${running} is running`, kernelAfter: after };
  if (packages.rebootRequiredFile) return { needed: true, reason: "/run/reboot-required exists", kernelAfter: after };
  return { needed: false, reason: `already running the newest kernel (${running})`, kernelAfter: after };
}
