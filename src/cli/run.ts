import process from "node:process";
import { createGuestUsers, type GuestUsers } from "../index.ts";
import { parseCommandLine } from "./args.ts";
import type { Command } from "./commands/context.ts";
import { deleteExpired } from "./commands/delete-expired.ts";
import { migrate } from "./commands/migrate.ts";
import { staff } from "./commands/staff.ts";
import { stats } from "./commands/stats.ts";
import { loadConfig } from "./config.ts";
import { type CliIo, EXIT, writeLine } from "./io.ts";
import { mergeOptions } from "./options.ts";
import { report } from "./report.ts";
import type { CommandName } from "./spec.ts";
import { usage, version } from "./usage.ts";

const COMMANDS: Readonly<Record<CommandName, Command>> = {
  migrate,
  "delete-expired": deleteExpired,
  stats,
  staff,
};

/**
 * Runs the `guest-user` command line and resolves to its exit code: 0 on success, 1 when
 * the work failed (database unreachable, bad configuration or config file, tables missing),
 * 2 for a usage error. Errors are printed as one line on `io.stderr`, never thrown; the
 * database is always closed. The app's options come from `--config` or a
 * `guest-user.config.{ts,js,mjs}` in `io.cwd` (flags override them); the file used is named
 * on stderr unless `--json` is set.
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
  let guestUsers: GuestUsers | undefined;
  let configDatabase = false;
  try {
    const invocation = parseCommandLine(argv);
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
    const config = await loadConfig({ path: options.config, cwd: io.cwd ?? process.cwd() });
    if (config.display !== null && !options.json) {
      writeLine(io.stderr, `Using config ${config.display}`);
    }
    const merged = mergeOptions(config.options, options, io.env);
    configDatabase = typeof merged.database === "object" && merged.database !== null;
    guestUsers = createGuestUsers(merged);
    return await COMMANDS[command]({ guestUsers, database: merged.database, options, io });
  } catch (error) {
    return report(error, io.stderr);
  } finally {
    await guestUsers?.close().catch(() => {});
    // A pool or Kysely instance made by the config module is this process's alone: end it,
    // or it would keep the process alive.
    if (configDatabase) await guestUsers?.db.destroy().catch(() => {});
  }
}
