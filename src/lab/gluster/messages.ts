// Fixed texts of the gluster 10.3 CLI shared by several commands.

/** cli-cmd.c cli_cmd_process / cli.c cli_rpc_notify, printed with cli_out (stdout). */
export const CONNECTION_FAILED = "Connection failed. Please check if gluster daemon is operational.";

/** cli.h `usage()`; cli_out adds the final newline after the one in the format. */
export const CLI_USAGE =
  " Usage: gluster [options] <help> <peer> <pool> <volume>\n" +
  " Options:\n" +
  " --help  Shows the help information\n" +
  " --version  Shows the version\n" +
  " --print-logdir  Shows the log directory\n" +
  " --print-statedumpdir Shows the state dump directory\n";

/** cli.c cli_usage_out: a command's own pattern on stderr after a parse error. */
export function commandUsage(pattern: string): string {
  return `\nUsage:\n${pattern}\n\n`;
}
