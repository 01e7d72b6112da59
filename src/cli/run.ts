import { createGuestUsers, type GuestUsers } from "../index.ts";
import { parseCommandLine } from "./args.ts";
import type { Command } from "./commands/context.ts";
import { deleteExpired } from "./commands/delete-expired.ts";
import { migrate } from "./commands/migrate.ts";
import { stats } from "./commands/stats.ts";
import { type CliIo, EXIT } from "./io.ts";
import { report } from "./report.ts";
import type { CommandName } from "./spec.ts";
import { usage, version } from "./usage.ts";

export type { CliIo, Output } from "./io.ts";

const COMMANDS: Readonly<Record<CommandName, Command>> = {
  migrate,
  "delete-expired": deleteExpired,
  stats,
};

/**
 * Runs the `guest-user` command line and resolves to its exit code: 0 on success, 1 when
 * the work failed (database unreachable, bad configuration, tables missing), 2 for a usage
 * error. Errors are printed as one line on `io.stderr`, never thrown; the database is
 * always closed.
 *
 * @example
 * ```ts
 * const code = await run(["stats", "--json"], {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   env: { DATABASE_URL: "postgres://localhost/app" },
 * });
 * ```
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let invocation: ReturnType<typeof parseCommandLine>;
  try {
    invocation = parseCommandLine(argv, io.env);
  } catch (error) {
    return report(error, io.stderr);
  }
  switch (invocation.kind) {
    case "help":
      io.stdout.write(usage());
      return EXIT.ok;
    case "version":
      io.stdout.write(`${version()}\n`);
      return EXIT.ok;
    case "missing-command":
      io.stderr.write(usage());
      return EXIT.usage;
  }
  const { command, options } = invocation;
  let guestUsers: GuestUsers | undefined;
  try {
    guestUsers = createGuestUsers({ database: options.database, tablePrefix: options.tablePrefix });
    return await COMMANDS[command]({ guestUsers, options, io });
  } catch (error) {
    return report(error, io.stderr);
  } finally {
    await guestUsers?.close().catch(() => {});
  }
}
