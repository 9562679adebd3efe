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

/** cli-cmd.c cli_cmd_await_response: no answer within the CLI's timeout; cli_out, so stdout, and plain text even with --xml. */
export const REQUEST_TIMED_OUT = "Error : Request timed out";

/** glusterd-syncop.c gd_sync_task_begin: the volume's mgmt_v3 lock is held by another transaction (EG_ANOTRANS). */
export function anotherTransaction(volume: string): string {
  return `Another transaction is in progress for ${volume}. Please try again after some time.`;
}
