// The coreutils rollgate's cluster lock runs on a node's /etc/pve (docs/domain/pmxcfs-locks.md):
// mkdir, rmdir, touch, stat, date, dd, mv, rm, with GNU coreutils 9.1's messages and exit codes
// (Debian bookworm). Files live in the cluster's one pmxcfs tree; other paths are not modelled.

import path from "node:path";
import { isPmxcfsPath, PmxcfsError, strerror, type Errno } from "../../model/pmxcfs.js";
import { AptFiles, AptFsError, isAptPath } from "../../model/apt-files.js";
import { printLines, type CommandContext, type LabCommand } from "../context.js";

// coreutils quoteaf()/quote() in the C locale: 'NAME' (names with quotes or control characters
// are quoted otherwise, and rollgate sends none).
const quoted = (name: string) => `'${name}'`;

function usageError(ctx: CommandContext, command: string, problem: string): number {
  ctx.out.stderr(`${command}: ${problem}\nTry '${command} --help' for more information.\n`);
  return 1;
}

function notModelled(ctx: CommandContext, command: string, what: string): number {
  ctx.out.stderr(`${command}: the lab models only ${what}\n`);
  return 1;
}

interface Parsed {
  options: Map<string, string>;
  operands: string[];
}

/** getopt for short options: `-cf`, `-d VALUE`, `-dVALUE`, `--`. A string result is the unknown letter. */
function parseOptions(args: string[], flags: string, withValue: string): Parsed | string {
  const options = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (withValue.includes(letter)) {
        const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
        if (value === undefined) return letter;
        options.set(letter, value);
        break;
      }
      if (!flags.includes(letter)) return letter;
      options.set(letter, "");
    }
  }
  return { options, operands };
}

/** The parsed arguments, or null once the usage error is printed (exit 1). */
function options(ctx: CommandContext, command: string, args: string[], flags: string, withValue = ""): Parsed | null {
  const parsed = parseOptions(args, flags, withValue);
  if (typeof parsed !== "string") return parsed;
  usageError(ctx, command, withValue.includes(parsed) ? `option requires an argument -- '${parsed}'` : `invalid option -- '${parsed}'`);
  return null;
}

/** Runs one pmxcfs change and records it (its outcome included); returns the errno, or null. */
function change(ctx: CommandContext, op: string, file: string, act: () => void, to?: string): Errno | null {
  let errno: Errno | null = null;
  try {
    act();
  } catch (error) {
    if (!(error instanceof PmxcfsError)) throw error;
    errno = error.code;
  }
  ctx.cluster.record.pmxcfs(ctx.source, { op, path: file, ...(to !== undefined && { to }), outcome: errno ?? "ok" });
  return errno;
}

/** A node's /etc/apt (apt-files.ts): one change, recorded with its outcome; returns the errno, or null. */
function aptChange(ctx: CommandContext, op: string, file: string, act: (fs: AptFiles) => void, to?: string): Errno | null {
  let errno: Errno | null = null;
  try {
    act(new AptFiles(ctx.cluster.node(ctx.node).aptFiles));
  } catch (error) {
    if (!(error instanceof AptFsError)) throw error;
    errno = error.code;
  }
  ctx.cluster.record.mutation(ctx.source, `${op} ${file}${to === undefined ? "" : ` → ${to}`} on ${ctx.node}: ${errno ?? "ok"}`);
  return errno;
}

/** The operands, or null (after saying so) when one lies outside /etc/pve. */
function pmxcfsPaths(ctx: CommandContext, command: string, operands: string[]): string[] | null {
  const outside = operands.find((operand) => !isPmxcfsPath(operand));
  if (outside === undefined) return operands;
  notModelled(ctx, command, `files under /etc/pve, not ${quoted(outside)}`);
  return null;
}

// coreutils src/mkdir.c (gnulib mkdir-p.c): "cannot create directory 'X': …"; -p makes the parents
// and accepts an existing directory.
export const mkdir: LabCommand = async (ctx, args) => {
  const parsed = options(ctx, "mkdir", args, "p");
  if (!parsed) return 1;
  if (parsed.operands.length === 0) return usageError(ctx, "mkdir", "missing operand");
  const dirs = pmxcfsPaths(ctx, "mkdir", parsed.operands);
  if (!dirs) return 1;
  const fs = ctx.cluster.pmxcfs;
  let status = 0;
  for (const dir of dirs) {
    const wanted = parsed.options.has("p") ? ancestry(dir).filter((d) => fs.stat(d)?.kind !== "dir") : [dir];
    for (const d of wanted) {
      const errno = change(ctx, "mkdir", d, () => fs.mkdir(ctx.node, d));
      if (errno === null) continue;
      ctx.out.stderr(`mkdir: cannot create directory ${quoted(dir)}: ${strerror[errno]}\n`);
      status = 1;
      break;
    }
  }
  return status;
};

/** `/etc/pve/a/b` → `/etc/pve`, `/etc/pve/a`, `/etc/pve/a/b`. */
function ancestry(dir: string): string[] {
  const chain: string[] = [];
  for (let d = path.posix.normalize(dir); isPmxcfsPath(d); d = path.posix.dirname(d)) chain.unshift(d);
  return chain;
}

// coreutils src/rmdir.c: "failed to remove 'X': …".
export const rmdir: LabCommand = async (ctx, args) => {
  const parsed = options(ctx, "rmdir", args, "");
  if (!parsed) return 1;
  if (parsed.operands.length === 0) return usageError(ctx, "rmdir", "missing operand");
  const dirs = pmxcfsPaths(ctx, "rmdir", parsed.operands);
  if (!dirs) return 1;
  let status = 0;
  for (const dir of dirs) {
    const errno = change(ctx, "rmdir", dir, () => ctx.cluster.pmxcfs.rmdir(ctx.node, dir));
    if (errno === null) continue;
    ctx.out.stderr(`rmdir: failed to remove ${quoted(dir)}: ${strerror[errno]}\n`);
    status = 1;
  }
  return status;
};

// coreutils src/touch.c touch(): open(O_CREAT) unless -c, then utimensat; "cannot touch 'X'" when
// the open failed (not for a directory), "setting times of 'X'" when only the times failed; with
// -c a missing file is no error. `-d @SECONDS` is the only date form the lab reads.
export const touch: LabCommand = async (ctx, args) => {
  const parsed = options(ctx, "touch", args, "c", "d");
  if (!parsed) return 1;
  const date = parsed.options.get("d");
  if (date !== undefined && !/^@\d+$/.test(date)) {
    if (!/^@/.test(date)) return notModelled(ctx, "touch", "'-d @SECONDS'");
    ctx.out.stderr(`touch: invalid date format ${quoted(date)}\n`);
    return 1;
  }
  if (parsed.operands.length === 0) return usageError(ctx, "touch", "missing file operand");
  const files = pmxcfsPaths(ctx, "touch", parsed.operands);
  if (!files) return 1;
  const fs = ctx.cluster.pmxcfs;
  const noCreate = parsed.options.has("c");
  let status = 0;
  for (const file of files) {
    const kind = fs.stat(file)?.kind;
    const openErrno =
      noCreate || kind === "file" ? null : kind === "dir" ? "EISDIR" : change(ctx, "create", file, () => fs.create(ctx.node, file));
    const mtime = date === undefined ? fs.wallClockSeconds() : Number(date.slice(1));
    const utimeErrno = change(ctx, "utime", file, () => fs.utime(ctx.node, file, mtime));
    if (utimeErrno === null) continue;
    if (openErrno !== null && openErrno !== "EISDIR") ctx.out.stderr(`touch: cannot touch ${quoted(file)}: ${strerror[openErrno]}\n`);
    else if (noCreate && utimeErrno === "ENOENT") continue;
    else ctx.out.stderr(`touch: setting times of ${quoted(file)}: ${strerror[utimeErrno]}\n`);
    status = 1;
  }
  return status;
};

// coreutils 9.1 src/stat.c do_stat: statx(2), "cannot statx 'X': …"; %Y is the mtime in seconds.
export const stat: LabCommand = async (ctx, args) => {
  const parsed = options(ctx, "stat", args, "", "c");
  if (!parsed) return 1;
  if (parsed.options.get("c") !== "%Y") return notModelled(ctx, "stat", "'stat -c %Y FILE'");
  if (parsed.operands.length === 0) return usageError(ctx, "stat", "missing operand");
  const files = pmxcfsPaths(ctx, "stat", parsed.operands);
  if (!files) return 1;
  let status = 0;
  for (const file of files) {
    const entry = ctx.cluster.pmxcfs.stat(file);
    if (entry) await printLines(ctx, [String(entry.mtime)]);
    else {
      ctx.out.stderr(`stat: cannot statx ${quoted(file)}: ${strerror.ENOENT}\n`);
      status = 1;
    }
  }
  return status;
};

// coreutils src/date.c: `+%s` prints the seconds since the epoch, on this node's (the lab's) clock.
export const date: LabCommand = async (ctx, args) => {
  if (args.length !== 1 || args[0] !== "+%s") return notModelled(ctx, "date", "'date +%s'");
  await printLines(ctx, [String(ctx.cluster.pmxcfs.wallClockSeconds())]);
  return 0;
};

// dd's operands: another word is refused as dd refuses it; only of= and status=none are modelled.
const ddOperands = new Set(["if", "of", "bs", "ibs", "obs", "cbs", "count", "conv", "status", "iflag", "oflag", "seek", "skip"]);

// coreutils src/dd.c: of= is opened O_CREAT|O_TRUNC before stdin is read ("failed to open 'X'"),
// then written ("writing to 'X'"); status=none prints nothing else.
export const dd: LabCommand = async (ctx, args) => {
  const operands = new Map<string, string>();
  for (const arg of args) {
    const m = /^([a-z]+)=(.*)$/s.exec(arg);
    if (!m || !ddOperands.has(m[1]!)) {
      return usageError(ctx, "dd", `unrecognized operand ${quoted(arg)}`);
    }
    operands.set(m[1]!, m[2]!);
  }
  const file = operands.get("of");
  if (operands.size !== 2 || file === undefined || operands.get("status") !== "none")
    return notModelled(ctx, "dd", "'dd of=FILE status=none'");
  if (isAptPath(file)) {
    const openErrno = aptChange(ctx, "truncate", file, (fs) => fs.write(file, ""));
    if (openErrno !== null) {
      ctx.out.stderr(`dd: failed to open ${quoted(file)}: ${strerror[openErrno]}\n`);
      return 1;
    }
    const data = await ctx.stdin();
    if (data !== "") aptChange(ctx, "write", file, (fs) => fs.append(file, data));
    return 0;
  }
  if (!pmxcfsPaths(ctx, "dd", [file])) return 1;
  const fs = ctx.cluster.pmxcfs;
  const openErrno = change(ctx, "truncate", file, () => fs.truncate(ctx.node, file));
  if (openErrno !== null) {
    ctx.out.stderr(`dd: failed to open ${quoted(file)}: ${strerror[openErrno]}\n`);
    return 1;
  }
  const data = await ctx.stdin();
  if (data === "") return 0;
  const writeErrno = change(ctx, "write", file, () => fs.append(ctx.node, file, data));
  if (writeErrno === null) return 0;
  ctx.out.stderr(`dd: writing to ${quoted(file)}: ${strerror[writeErrno]}\n`);
  return 1;
};

// coreutils src/copy.c copy_internal: a missing source is "cannot stat 'A'", a failed rename
// "cannot move 'A' to 'B'"; onto a directory, mv moves into it.
export const mv: LabCommand = async (ctx, args) => {
  const parsed = options(ctx, "mv", args, "f");
  if (!parsed) return 1;
  const [from, to, ...rest] = parsed.operands;
  if (from === undefined) return usageError(ctx, "mv", "missing file operand");
  if (to === undefined) return usageError(ctx, "mv", `missing destination file operand after ${quoted(from)}`);
  if (rest.length > 0) return notModelled(ctx, "mv", "'mv [-f] SOURCE DEST'");
  if (isAptPath(from) && isAptPath(to)) {
    const apt = new AptFiles(ctx.cluster.node(ctx.node).aptFiles);
    if (!apt.stat(from)) {
      ctx.out.stderr(`mv: cannot stat ${quoted(from)}: ${strerror.ENOENT}\n`);
      return 1;
    }
    const dest = apt.stat(to) === "dir" ? path.posix.join(to, path.posix.basename(from)) : to;
    const errno = aptChange(ctx, "rename", from, (fs) => fs.rename(from, dest), dest);
    if (errno === null) return 0;
    ctx.out.stderr(`mv: cannot move ${quoted(from)} to ${quoted(dest)}: ${strerror[errno]}\n`);
    return 1;
  }
  if (!pmxcfsPaths(ctx, "mv", [from, to])) return 1;
  const fs = ctx.cluster.pmxcfs;
  if (!fs.stat(from)) {
    ctx.out.stderr(`mv: cannot stat ${quoted(from)}: ${strerror.ENOENT}\n`);
    return 1;
  }
  const target = fs.stat(to)?.kind === "dir" ? path.posix.join(to, path.posix.basename(from)) : to;
  const errno = change(ctx, "rename", from, () => fs.rename(ctx.node, from, target), target);
  if (errno === null) return 0;
  ctx.out.stderr(`mv: cannot move ${quoted(from)} to ${quoted(target)}: ${strerror[errno]}\n`);
  return 1;
};

// coreutils src/remove.c: "cannot remove 'X': …"; -f says nothing about a missing file; a directory
// is refused (EISDIR) before anything is asked of the file system.
export const rm: LabCommand = async (ctx, args) => {
  const parsed = options(ctx, "rm", args, "f");
  if (!parsed) return 1;
  const force = parsed.options.has("f");
  if (parsed.operands.length === 0) return force ? 0 : usageError(ctx, "rm", "missing operand");
  if (parsed.operands.every(isAptPath)) {
    const apt = new AptFiles(ctx.cluster.node(ctx.node).aptFiles);
    let status = 0;
    for (const file of parsed.operands) {
      const kind = apt.stat(file);
      if (kind === null && force) continue;
      const errno = kind === "dir" ? "EISDIR" : aptChange(ctx, "unlink", file, (fs) => fs.unlink(file));
      if (errno === null) continue;
      ctx.out.stderr(`rm: cannot remove ${quoted(file)}: ${strerror[errno]}\n`);
      status = 1;
    }
    return status;
  }
  const files = pmxcfsPaths(ctx, "rm", parsed.operands);
  if (!files) return 1;
  const fs = ctx.cluster.pmxcfs;
  let status = 0;
  for (const file of files) {
    const kind = fs.stat(file)?.kind;
    if (kind === undefined && force) continue;
    const errno = kind === "dir" ? "EISDIR" : change(ctx, "unlink", file, () => fs.unlink(ctx.node, file));
    if (errno === null) continue;
    ctx.out.stderr(`rm: cannot remove ${quoted(file)}: ${strerror[errno]}\n`);
    status = 1;
  }
  return status;
};

// coreutils src/ls.c without a terminal: one name per line, sorted (C locale); a missing operand is
// "cannot access 'X'" and exit 2; a file operand prints its name. Only /etc/apt is modelled.
export const ls: LabCommand = async (ctx, args) => {
  const parsed = options(ctx, "ls", args, "1");
  if (!parsed) return 2;
  const operands = parsed.operands.length > 0 ? parsed.operands : ["/root"];
  if (!operands.every(isAptPath)) {
    notModelled(ctx, "ls", "'ls [-1] PATH' under /etc/apt");
    return 2;
  }
  const apt = new AptFiles(ctx.cluster.node(ctx.node).aptFiles);
  let status = 0;
  const dirs: string[] = [];
  for (const operand of operands) {
    const kind = apt.stat(operand);
    if (kind === null) {
      ctx.out.stderr(`ls: cannot access ${quoted(operand)}: ${strerror.ENOENT}\n`);
      status = 2;
    } else if (kind === "file") await printLines(ctx, [operand]);
    else dirs.push(operand);
  }
  for (const dir of dirs) {
    if (operands.length > 1) await printLines(ctx, [`${dir}:`]);
    await printLines(ctx, apt.list(dir));
  }
  return status;
};
