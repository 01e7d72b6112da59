import { GuestUserError } from "./errors.ts";

/** What each database driver is needed for, and how to install it. */
const DRIVERS: Readonly<Record<string, string>> = {
  pg: "PostgreSQL needs the pg package: run `npm install pg`.",
  mysql2: "MySQL and MariaDB need the mysql2 package: run `npm install mysql2`.",
  "better-sqlite3": "SQLite needs the better-sqlite3 package: run `npm install better-sqlite3@12`.",
};

/**
 * Every package loaded by name at run time: by {@link loadPeer} (the database drivers, the
 * sign-in providers' libraries) and by `metrics: true` (`@opentelemetry/api`, required when the
 * options are read). A bundler does not see these imports, so a deployment that copies only what the
 * build traced (Nuxt's `.output/`) must be told about them: the Nuxt module adds those the app
 * installed to Nitro's trace. test/shared/optional-peer.test.ts keeps the list complete.
 */
export const LAZY_PEERS = [
  "better-sqlite3",
  "pg",
  "mysql2",
  "arctic",
  "openid-client",
  "@opentelemetry/api",
] as const;

/**
 * Loads the optional peer dependency `name`, or throws `DRIVER_MISSING` with `message`: what
 * needs it and how to install it (a database driver's is known). The import is one no bundler
 * follows: Turbopack, webpack, Vite and Rollup (Nitro) leave a dynamic import of a variable
 * alone (the comments silence their warnings), so an app's build never looks for a driver or
 * peer the app did not install; Node resolves it at run time from the app's node_modules.
 */
export async function loadPeer<T>(
  name: string,
  message = DRIVERS[name] ?? `The "${name}" package is needed: run \`npm i ${name}\`.`,
): Promise<T> {
  try {
    return await import(
      /* webpackIgnore: true */ /* turbopackIgnore: true */ /* @vite-ignore */ name
    );
  } catch (cause) {
    throw new GuestUserError("DRIVER_MISSING", message, { cause });
  }
}
