// Kernel release strings as Proxmox names them (`6.8.12-5-pve`): numeric parts compare as numbers.

export function compareKernelVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** The kernel a node boots without a pin: the newest one installed (proxmox-boot-tool's default). */
export function newestKernel(kernels: readonly string[]): string | undefined {
  return [...kernels].sort(compareKernelVersions).at(-1);
}
