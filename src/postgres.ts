/**
 * `guest-user/postgres`: PostgreSQL through pg (an optional peer), for the `database` option
 * when a URL is not enough, and the prepared-statement pool for a Kysely instance of your own.
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * import { postgresDatabase } from "guest-user/postgres";
 * const guestUsers = createGuestUsers({ database: postgresDatabase(process.env.DATABASE_URL ?? "", { max: 20 }) });
 * ```
 * @module
 */

export {
  type PostgresDatabaseOptions,
  type PreparedStatementPoolOptions,
  postgresDatabase,
  preparedStatementPool,
} from "./store/dialects/postgres.ts";
export type { PreparedStatementWarner } from "./store/prepared-statements.ts";
