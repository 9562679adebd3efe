// `proxmox-boot-tool kernel list`: the kernels the boot loader offers (manual and automatic), and
// a pin, which decides what boots instead of the newest one.

export interface KernelList {
  kernels: string[];
  /** `Kernel pinned on next-boot:` wins over `Pinned kernel:`; null when nothing is pinned. */
  pinned: string | null;
}

type Section = "list" | "pin" | "next-boot" | null;

export function parseKernelList(text: string): KernelList {
  const kernels: string[] = [];
  const pins: Record<"pin" | "next-boot", string | null> = { pin: null, "next-boot": null };
  let section: Section = null;
  let sawHeader = false;
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (/^(Manually|Automatically) selected kernels:$/.test(line)) {
      section = "list";
      sawHeader = true;
      continue;
    }
    if (line === "Pinned kernel:") {
      section = "pin";
      continue;
    }
    if (line === "Kernel pinned on next-boot:") {
      section = "next-boot";
      continue;
    }
    if (line === "") {
      section = null;
      continue;
    }
    if (section === null || line === "None.") continue;
    if (!/^\d+\.\d+[\w.+-]*$/.test(line)) throw new Error(`proxmox-boot-tool kernel list: unexpected line "${line}"`);
    if (section === "list") kernels.push(line);
    else pins[section] = line;
  }
  if (!sawHeader) throw new Error('proxmox-boot-tool kernel list: output not understood (no "selected kernels:" header)');
  return { kernels, pinned: pins["next-boot"] ?? pins.pin };
}
