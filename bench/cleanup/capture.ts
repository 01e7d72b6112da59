/**
 * Records the statements guest-user sends to its driver, by wrapping the drivers' own query
 * methods (better-sqlite3 statements, `pg` clients, mysql2 connections) for the time of one
 * call: the floor then runs the very SQL texts the library ran, not copies that could drift.
 */
import type { DialectName } from "../../src/index.ts";

/** One statement as the driver received it. */
export interface Captured {
  readonly sql: string;
  readonly params: readonly unknown[];
  /** How it was sent: better-sqlite3 `run`/`all`/...; pg `query` or `named` (prepared); mysql2 `query`/`execute`. */
  readonly via: string;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Replaces `names` of `proto` by recording wrappers; returns the undo. */
function wrap(
  proto: Record<string, unknown>,
  names: readonly string[],
  record: (name: string, self: unknown, args: unknown[]) => void,
): () => void {
  const originals = names.map((name) => [name, proto[name] as Method] as const);
  for (const [name, original] of originals)
    proto[name] = function (this: unknown, ...args: unknown[]) {
      record(name, this, args);
      return original.apply(this, args);
    };
  return () => {
    for (const [name, original] of originals) proto[name] = original;
  };
}

async function install(dialect: DialectName, log: Captured[]): Promise<() => void> {
  if (dialect === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const scratch = new Database(":memory:");
    const proto = Object.getPrototypeOf(scratch.prepare("select 1")) as Record<string, unknown>;
    scratch.close();
    return wrap(proto, ["run", "all", "get", "iterate"], (via, self, args) => {
      const params = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      log.push({ sql: (self as { source: string }).source, params, via });
    });
  }
  if (dialect === "postgres") {
    const { default: pg } = await import("pg");
    return wrap(
      pg.Client.prototype as unknown as Record<string, unknown>,
      ["query"],
      (_, _self, args) => {
        const [first, second] = args;
        if (typeof first === "string")
          log.push({ sql: first, params: Array.isArray(second) ? second : [], via: "query" });
        else if (first && typeof first === "object" && "text" in first) {
          const config = first as { text: string; values?: unknown[]; name?: string };
          const via = config.name === undefined ? "query" : "named";
          log.push({ sql: config.text, params: config.values ?? [], via });
        }
      },
    );
  }
  const mysql = await import("mysql2");
  const proto = mysql.Connection.prototype as unknown as Record<string, unknown>;
  return wrap(proto, ["query", "execute"], (via, _self, args) => {
    const [first, second] = args;
    const text = typeof first === "string" ? first : (first as { sql?: string })?.sql;
    if (typeof text === "string")
      log.push({ sql: text, params: Array.isArray(second) ? second : [], via });
  });
}

/** Runs `action` while recording every statement of `dialect`'s driver; returns them in order. */
export async function capture(
  dialect: DialectName,
  action: () => Promise<unknown>,
): Promise<Captured[]> {
  const log: Captured[] = [];
  const undo = await install(dialect, log);
  try {
    await action();
  } finally {
    undo();
  }
  return log;
}

/**
 * SQLite only: records the LIMIT (last parameter) of every run of the statement `text` while
 * installed, so that the floor replays ours' time-budgeted batch sizes exactly. A number per
 * batch; installed for ours and for the floor alike (the same tiny cost on both).
 */
export async function recordLimits(text: string): Promise<{ limits: number[]; undo(): void }> {
  const { default: Database } = await import("better-sqlite3");
  const scratch = new Database(":memory:");
  const proto = Object.getPrototypeOf(scratch.prepare("select 1")) as Record<string, unknown>;
  scratch.close();
  const limits: number[] = [];
  const undo = wrap(proto, ["run"], (_, self, args) => {
    if ((self as { source: string }).source !== text) return;
    const params = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as unknown[];
    limits.push(Number(params.at(-1)));
  });
  return { limits, undo };
}
