// The `gluster` CLI: the node's view of the pool comes from the model, the output format from
// the emulation in ../../gluster (byte-compatible with GlusterFS 10.3, and 11.1's is the same but
// for the version it prints).

import { runGluster } from "../../gluster/cli.js";
import { parseArguments } from "../../gluster/global-options.js";
import { glusterViewFrom } from "../../model/gluster-view.js";
import { modelDelay, type LabCommand } from "../context.js";

// glusterfs cli/src/cli.c argp_program_version, printed by cli_opt_parse for --version (exit 0).
const versionText = (version: string) =>
  `glusterfs ${version}\nRepository revision: git://git.gluster.org/glusterfs.git\nCopyright (c) 2006-2016 Red Hat, Inc. <https://www.gluster.org/>\nGlusterFS comes with ABSOLUTELY NO WARRANTY.\nIt is licensed to you under your choice of the GNU Lesser\nGeneral Public License, version 3 or any later version (LGPLv3\nor later), or the GNU General Public License, version 2 (GPLv2),\nin all cases as published by the Free Software Foundation.\n`;

export const gluster: LabCommand = async (ctx, args) => {
  const at = args.indexOf("--version");
  // Options are read in order: an unknown one before --version fails first (cli.c parse_cmdline).
  if (at >= 0 && parseArguments(args.slice(0, at)).kind === "words" && !args.slice(0, at).includes("--")) {
    await ctx.out.stdout(versionText(ctx.cluster.profileOf(ctx.node).glusterfs));
    return 0;
  }
  const result = runGluster(args, glusterViewFrom(ctx.cluster, ctx.node));
  // A transaction holds its volume lock from its start, while the CLI still waits for the answer.
  if (result.effect?.kind === "volume-lock") ctx.cluster.holdGlusterVolumeLock(result.effect.volume, result.effect.forMs);
  if (result.delayMs) await modelDelay(ctx, result.delayMs);
  for (const chunk of result.stdout) await ctx.out.stdout(chunk);
  if (result.stderr) ctx.out.stderr(result.stderr);
  if (result.exitCode === 0 && result.effect?.kind === "heal-trigger") ctx.cluster.triggerHeal(result.effect.volume, ctx.source);
  if (result.exitCode === 0 && result.effect?.kind === "op-version") ctx.cluster.setGlusterOpVersion(result.effect.to, ctx.source);
  return result.exitCode;
};
