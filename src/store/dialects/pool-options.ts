import * as v from "valibot";
import { trueOrFalse, warnLogger, wholeNumber } from "../../shared/option-values.ts";

/** The entries of the pool wrappers' option bags (`preparedStatementPool()` and MySQL's). */
export const PREPARED_POOL_ENTRIES = { logger: warnLogger };

/** The entries of `postgresDatabase()`'s and `mysqlDatabase()`'s option bags. */
export const DATABASE_ENTRIES = {
  max: v.optional(wholeNumber(1), 10),
  preparedStatements: v.optional(trueOrFalse, true),
  ...PREPARED_POOL_ENTRIES,
};
