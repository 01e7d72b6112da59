/**
 * `guest-user/sqlite`: an embedded SQLite database through better-sqlite3 (an optional peer),
 * for the `database` option when a URL is not enough (a `Database` you opened yourself).
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * import { sqliteDatabase } from "guest-user/sqlite";
 * const guestUsers = createGuestUsers({ database: sqliteDatabase("./app.sqlite3") });
 * ```
 * @module
 */

export { sqliteDatabase } from "./store/dialects/sqlite.ts";
