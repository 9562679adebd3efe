// The way back to the kernel a node ran before its reboot, for a node that does not come back on
// the new one: the boot menu, or proxmox-boot-tool's one-time pin (`kernel pin VERSION
// --next-boot`, then `refresh` to write it to the boot loader) from the console of a node that
// booted but cannot be reached (docs/domain/reboots.md, "Back to the old kernel").

import type { RebootRequest } from "../steps/contract.js";

/** What to tell the admin of a node that has not come back from a reboot into a new kernel; null if the kernel did not change. */
export function kernelFallbackAdvice(node: string, reboot: RebootRequest | undefined): string | null {
  if (!reboot?.kernelBefore || reboot.kernelBefore === reboot.kernelAfter) return null;
  const { kernelBefore: before, kernelAfter: after } = reboot;
  return (
    `If ${node} does not boot ${after}: in its boot menu choose ${before} (GRUB: "Advanced options"; systemd-boot: the entry for ${before}); ` +
    `if it booted but cannot be reached, log in at its console and run ` +
    `\`proxmox-boot-tool kernel pin ${before} --next-boot && proxmox-boot-tool refresh && reboot\`, which boots ${before} once. ` +
    `rollgate then stops at "${node} booted kernel ${before}, not ${after}" until it runs ${after}.`
  );
}
