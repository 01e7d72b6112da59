import type { GuestUsersOptions } from "../index.ts";
import type { CommandOptions } from "./args.ts";

/**
 * The options the CLI opens the library with: the config's, overridden by the flags.
 * `database` is `--database`, else the config's, else `DATABASE_URL` (an empty one counts as
 * unset), else the library default; `tablePrefix` and `maxAge` are the flag's, else the
 * config's (the config's `retention.maxAge` when it sets that one). Everything else
 * (`expireBy`, `users`, `session.maxAge`, `retention.keepIf`...) is the config's.
 *
 * @example
 * ```ts
 * mergeOptions({ expireBy: "lastSeenAt", maxAge: 86400 }, { maxAge: 3600, dryRun: false, json: false }, {});
 * // { expireBy: "lastSeenAt", maxAge: 3600, database: undefined, tablePrefix: undefined }
 * ```
 */
export function mergeOptions(
  config: GuestUsersOptions,
  flags: CommandOptions,
  env: Readonly<Record<string, string | undefined>>,
): GuestUsersOptions {
  const envDatabase = env.DATABASE_URL === "" ? undefined : env.DATABASE_URL;
  const merged = {
    ...config,
    database: flags.database ?? config.database ?? envDatabase,
    tablePrefix: flags.tablePrefix ?? config.tablePrefix,
  };
  // `--max-age` replaces the config's `retention.maxAge` when it sets one (the two may not
  // both be given); `keepIf` and `maxAgeIfKept` stay the config's.
  const { retention } = config;
  if (flags.maxAge !== undefined && retention?.maxAge !== undefined) {
    return { ...merged, retention: { ...retention, maxAge: flags.maxAge } };
  }
  return { ...merged, maxAge: flags.maxAge ?? config.maxAge };
}
