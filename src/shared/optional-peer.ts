import { GuestUserError } from "./errors.ts";

/** What each database driver is needed for, and how to install it. */
const DRIVERS: Readonly<Record<string, string>> = {
  pg: "PostgreSQL needs the pg package: run `npm install pg`.",
  mysql2: "MySQL and MariaDB need the mysql2 package: run `npm install mysql2`.",
  "better-sqlite3": "SQLite needs the better-sqlite3 package: run `npm install better-sqlite3@12`.",
};

/**
 * Loads the optional peer dependency `name` through `load` (its dynamic import), or throws
 * `DRIVER_MISSING` with `message`: what needs it and how to install it (a database driver's
 * is known).
 */
export async function loadPeer<T>(
  name: string,
  load: () => Promise<T>,
  message = DRIVERS[name] ?? `The "${name}" package is needed: run \`npm i ${name}\`.`,
): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new GuestUserError("DRIVER_MISSING", message, { cause });
  }
}
