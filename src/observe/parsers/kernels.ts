// `proxmox-boot-tool kernel list`: the kernels the boot loader offers (manual and automatic).

export function parseKernelList(text: string): string[] {
  const kernels: string[] = [];
  let inList = false;
  let sawHeader = false;
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (/^(Manually|Automatically) selected kernels:$/.test(line)) {
      inList = true;
      sawHeader = true;
      continue;
    }
    if (/^Pinned kernel:$/.test(line) || line === "") {
      inList = false;
      continue;
    }
    if (inList && line !== "None.") {
      if (!/^\d+\.\d+[\w.+-]*$/.test(line)) throw new Error(`proxmox-boot-tool kernel list: unexpected line "${line}"`);
      kernels.push(line);
    }
  }
  if (!sawHeader) throw new Error("proxmox-boot-tool kernel list: output not understood (no \"selected kernels:\" header)");
  return kernels;
}
