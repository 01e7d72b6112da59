import { flag, warnLogger, wholeNumber } from "../../shared/edge-option-values.ts";

/** The entries of the pool wrappers' option bags (`preparedStatementPool()` and MySQL's). */
export const PREPARED_POOL_ENTRIES = { logger: warnLogger };

/** The entries of `postgresDatabase()`'s and `mysqlDatabase()`'s option bags. */
export const DATABASE_ENTRIES = {
  max: wholeNumber(1, 10),
  preparedStatements: flag(true),
  ...PREPARED_POOL_ENTRIES,
};
