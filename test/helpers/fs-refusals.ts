// Makes chosen node:fs/promises calls on chosen paths fail as the OS would. The tests run as root,
// whom permissions never stop, so a refusal (EACCES) can only be had this way. A test file wires
// it in with:
//   vi.mock("node:fs/promises", async (original) => (await import("../../helpers/fs-refusals.js")).withRefusals(await original()));

type FsPromises = typeof import("node:fs/promises");
type Call = "readFile" | "access" | "writeFile" | "mkdir";

const planned: Array<{ call: Call; prefix: string; code: string }> = [];

/** From now on, `call` on any path that starts with `prefix` fails with `code`, until clearRefusals(). */
export function refuse(call: Call, prefix: string, code = "EACCES"): void {
  planned.push({ call, prefix, code });
}

export function clearRefusals(): void {
  planned.length = 0;
}

export function withRefusals(fs: FsPromises): FsPromises {
  const guarded = <F extends (...args: never[]) => Promise<unknown>>(call: Call, real: F): F =>
    (async (...args: Parameters<F>) => {
      const file = String(args[0]);
      const refusal = planned.find((p) => p.call === call && file.startsWith(p.prefix));
      if (refusal !== undefined)
        throw Object.assign(new Error(`${refusal.code}: refused by the test, ${call} '${file}'`), {
          code: refusal.code,
          syscall: call,
          path: file,
        });
      return real(...args);
    }) as F;
  return {
    ...fs,
    readFile: guarded("readFile", fs.readFile),
    access: guarded("access", fs.access),
    writeFile: guarded("writeFile", fs.writeFile),
    mkdir: guarded("mkdir", fs.mkdir),
  };
}
