// The command interpreter behind each lab node's SSH server: exactly the commands rollgate runs
// on a Proxmox VE node; anything else fails the way bash does.

import { aptGet, dpkg } from "./commands/apt.js";
import { haManager, ping, pvecm, qm } from "./commands/cluster.js";
import { df } from "./commands/df.js";
import { date, dd, ls, mkdir, mv, rm, rmdir, stat, touch } from "./commands/files.js";
import { gluster } from "./commands/gluster.js";
import { findmnt } from "./commands/mounts.js";
import { pve8to9 } from "./commands/pve8to9.js";
import { cat, hostname, proxmoxBootTool, pveversion, reboot, systemctl, test, uname } from "./commands/system.js";
import { printLines, type CommandContext, type LabCommand } from "./context.js";
import { parseCommandLine, ShellSyntaxError } from "./words.js";

// What `env` shows after an SSH login as root on Debian: sshd sets these (PATH is its
// superuser path, as Debian's openssh package builds it) before the client's variables.
const LOGIN_ENV: Record<string, string> = {
  SHELL: "/bin/bash",
  PWD: "/root",
  LOGNAME: "root",
  HOME: "/root",
  USER: "root",
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
};

const commands: Record<string, LabCommand> = {
  "apt-get": aptGet,
  dpkg,
  uname,
  hostname,
  cat,
  test,
  mkdir,
  rmdir,
  touch,
  stat,
  date,
  dd,
  mv,
  rm,
  ls,
  "proxmox-boot-tool": proxmoxBootTool,
  pveversion,
  pve8to9,
  reboot,
  systemctl,
  "ha-manager": haManager,
  pvecm,
  qm,
  ping,
  gluster,
  findmnt,
  df,
  true: async () => 0,
  false: async () => 1,
  // `sh -c LINE`: how playbook `run:` steps reach a node's shell.
  sh: async (ctx, args) => {
    if (args[0] !== "-c" || args.length !== 2) {
      ctx.out.stderr("sh: the lab models only `sh -c COMMAND`\n");
      return 2;
    }
    return runCommandLine(ctx, args[1]!);
  },
  env: async (ctx, args) => {
    if (args.length > 0) {
      ctx.out.stderr("env: the lab models only `env` without arguments\n");
      return 125;
    }
    await printLines(
      ctx,
      Object.entries({ ...LOGIN_ENV, ...ctx.env }).map(([name, value]) => `${name}=${value}`),
    );
    return 0;
  },
  echo: async (ctx, args) => {
    await ctx.out.stdout(`${args.join(" ")}\n`);
    return 0;
  },
};

/** Runs a command line as bash -c would, in `ctx.env` (none by default); resolves to its exit status. */
export async function runCommandLine(ctx: Omit<CommandContext, "env"> & { env?: Record<string, string> }, line: string): Promise<number> {
  let list;
  try {
    list = parseCommandLine(line);
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    ctx.out.stderr(`bash: -c: line 1: ${error.message}\n`);
    return 2;
  }
  let status = 0;
  for (const { command, onlyIfPreviousSucceeded } of list.steps) {
    if (onlyIfPreviousSucceeded && status !== 0) continue;
    const [name, ...args] = command.argv;
    if (name === undefined) continue;
    const run = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!run) {
      ctx.out.stderr(`bash: ${name}: command not found\n`);
      status = 127;
      continue;
    }
    status = await run({ ...ctx, env: { ...ctx.env, ...command.env } }, args);
  }
  return status;
}
