import { createHash } from "node:crypto";
import { CompiledQuery, type RawBuilder } from "kysely";
import type { Db } from "./dialect.ts";

/**
 * The hot statements' SQL texts, each with the name it runs under as a server-side prepared
 * statement (PostgreSQL: pg's named statements; MySQL: mysql2's `execute`) on pools that
 * allow it (the `preparedStatements` option). The name is derived from the text, so one name
 * never stands for two texts on a connection, in this process or any other.
 */
const names = new Map<string, string>();

/**
 * Marks `text` (a compiled statement, parameters as placeholders) to run as a prepared
 * statement; returns it unchanged. Call it once per text (say when the statement is first
 * compiled), not per query.
 *
 * @example
 * ```ts
 * const text = preparedStatement(sql`select ... where s.id = ${""}`.compile(db).sql);
 * await db.executeQuery(CompiledQuery.raw(text, [id]));
 * ```
 */
export function preparedStatement(text: string): string {
  if (!names.has(text)) {
    names.set(text, `guest_user_${createHash("sha256").update(text).digest("hex").slice(0, 20)}`);
  }
  return text;
}

/** The prepared statement name of a marked text, or undefined for every other statement. */
export function preparedStatementName(text: string): string | undefined {
  return names.get(text);
}

/** The value of `key` in `cache`, made by `make` the first time it is asked for. */
export function cachedIn<K extends object, V>(cache: WeakMap<K, V>, key: K, make: () => V): V {
  const value = cache.get(key) ?? make();
  cache.set(key, value);
  return value;
}

/** Where the one warning of a `PreparedStatementGate` goes. */
export interface PreparedStatementWarner {
  warn(message: string, ...details: unknown[]): void;
}

/**
 * One database's switch for prepared statements: on until a named statement fails the way a
 * connection pooler makes it fail (PgBouncer in transaction mode without
 * `max_prepared_statements`: the statement was prepared on another server connection, or is
 * already there), then off for good, with ONE warning.
 */
export class PreparedStatementGate {
  /**
   * @param on whether prepared statements start on (the `preparedStatements` option)
   * @param warner where the one warning goes
   * @param fix the sentence naming the fix, ending the warning
   */
  constructor(
    private on: boolean,
    private readonly warner: PreparedStatementWarner,
    private readonly fix: string,
  ) {}

  /** The name `text` runs under, or undefined: not marked, or prepared statements are off. */
  nameOf(text: string): string | undefined {
    return this.on ? preparedStatementName(text) : undefined;
  }

  /** Switches prepared statements off after `error`; warns the first time only. */
  switchOff(error: unknown): void {
    if (!this.on) return;
    this.on = false;
    const reason = error instanceof Error ? error.message : String(error);
    this.warner.warn(
      `guest-user: a prepared statement failed (${reason}): a connection pooler between this app and the database does not keep prepared statements; they are now off for this database. ${this.fix}`,
    );
  }
}

/**
 * Whether a connection is inside a transaction after it ran `text` (Kysely's `begin`,
 * `start transaction`, `commit`, `rollback`; `rollback to savepoint` stays inside).
 *
 * @example
 * ```ts
 * inTransaction = transactionAfter(text, inTransaction); // before running text
 * ```
 */
export function transactionAfter(text: string, inside: boolean): boolean {
  const head = text.trimStart().slice(0, 24).toLowerCase();
  if (head.startsWith("begin") || head.startsWith("start transaction")) return true;
  if (head.startsWith("rollback to")) return inside;
  if (head.startsWith("commit") || head.startsWith("rollback")) return false;
  return inside;
}

/**
 * A statement compiled once per Kysely instance, marked as a prepared statement, and run with
 * the arguments of each call. `build` is called once per instance with stand-ins for its
 * arguments, so it must use each argument only as a value (`${arg}`), never to shape the SQL;
 * the compiled placeholders are mapped back to the arguments whatever their order. A statement
 * that binds values of its own (the app's `keepIf` may) is built and compiled on each call
 * instead, as the clean-up's queries call the rule on each run; its text is still the prepared
 * one.
 *
 * @example
 * ```ts
 * const touch = preparedQuery((id: string, now: number) => sql`update t set seen = ${now} where id = ${id}`);
 * await db.executeQuery(touch(db, [userId, Date.now()]));
 * ```
 */
export function preparedQuery<P extends readonly unknown[], R = unknown>(
  build: (...params: P) => RawBuilder<R>,
): (db: Db, params: P) => CompiledQuery<R> {
  const compiled = new WeakMap<Db, { text: string; order: number[] } | null>();
  return (db, params) => {
    let entry = compiled.get(db);
    if (entry === undefined) {
      const standIns = Array.from({ length: build.length }, (_, i) => new StandIn(i));
      const query = build(...(standIns as unknown as P)).compile(db);
      const text = preparedStatement(query.sql);
      const order = query.parameters.map((value) => (value instanceof StandIn ? value.index : -1));
      entry = order.includes(-1) ? null : { text, order };
      compiled.set(db, entry);
    }
    if (entry === null) return build(...params).compile(db);
    return CompiledQuery.raw(
      entry.text,
      entry.order.map((i) => params[i]),
    ) as CompiledQuery<R>;
  };
}

/** Stands for argument `index` while a {@link preparedQuery} statement is compiled. */
class StandIn {
  constructor(readonly index: number) {}
}
