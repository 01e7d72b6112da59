/**
 * `guest-user/mysql`: MySQL and MariaDB through mysql2 (an optional peer), for the `database`
 * option when a URL is not enough, and the prepared-statement pool for a Kysely instance of
 * your own.
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * import { mysqlDatabase } from "guest-user/mysql";
 * const guestUsers = createGuestUsers({ database: mysqlDatabase(process.env.DATABASE_URL ?? "", { max: 20 }) });
 * ```
 * @module
 */

export {
  type MysqlDatabaseOptions,
  type MysqlPoolSource,
  mysqlDatabase,
  preparedStatementMysqlPool,
} from "./store/dialects/mysql.ts";
export type { PreparedStatementWarner } from "./store/prepared-statements.ts";
