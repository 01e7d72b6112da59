import * as v from "valibot";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { trueOrFalse, warnLogger, wholeNumber } from "../../shared/option-values.ts";
import { PreparedStatementGate, type PreparedStatementWarner } from "../prepared-statements.ts";

/** What `preparedStatementPool()` takes besides the pool. */
export interface PreparedStatementPoolOptions {
  /**
   * Where the one warning goes when a connection pooler makes prepared statements fail.
   * @default console
   * @example logger: { warn: (message) => log.warn(message) }
   */
  readonly logger?: PreparedStatementWarner;
}

const PREPARED_POOL_ENTRIES = { logger: warnLogger };

const POOL_OPTIONS = optionBag(
  PREPARED_POOL_ENTRIES satisfies EntriesOf<PreparedStatementPoolOptions>,
);

/**
 * The switch of a pool wrapper (`preparedStatementPool()`, `preparedStatementMysqlPool()`)
 * from its options, checked for `caller`; `fix` ends its one warning.
 */
export function poolGate(options: PreparedStatementPoolOptions, caller: string, fix: string) {
  const { logger } = parseOptions(POOL_OPTIONS, options, caller);
  return new PreparedStatementGate(true, logger, fix);
}

/** The entries of `postgresDatabase()`'s and `mysqlDatabase()`'s option bags. */
export const DATABASE_ENTRIES = {
  max: v.optional(wholeNumber(1), 10),
  preparedStatements: v.optional(trueOrFalse, true),
  ...PREPARED_POOL_ENTRIES,
};

/**
 * The pool of `postgresDatabase()` and `mysqlDatabase()`: the app's, or one `open` makes from
 * the URL on first use; wrapped by `prepared` unless the `preparedStatements` option is off.
 * The same pool on every call (Kysely's driver and the direct reads share it); a failed
 * opening is tried again on the next call.
 */
export function databasePool<P, W>(
  source: string | P,
  options: { max: number; preparedStatements: boolean; logger: PreparedStatementWarner },
  prepared: (pool: P, options: PreparedStatementPoolOptions) => W,
  open: (url: string, max: number) => Promise<P>,
): () => Promise<P | W> {
  const { max, preparedStatements, logger } = options;
  const make = async () => {
    const pool = typeof source === "string" ? await open(source, max) : source;
    return preparedStatements ? prepared(pool, { logger }) : pool;
  };
  let opened: Promise<P | W> | undefined;
  return () => {
    opened ??= make().catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
}
