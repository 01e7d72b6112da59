/**
 * The floor's plan: the SQL texts guest-user ran in a warm-up clean-up (captured at the driver,
 * see capture.ts), sorted by role. Nothing here is written by hand: a text the library stops
 * running, or a new one, makes {@link planOf} throw.
 */
import type { DialectName } from "../../src/index.ts";
import type { Captured } from "./capture.ts";

/** The statements of one clean-up, by role. */
export interface FloorPlan {
  readonly dialect: DialectName;
  /** SQLite: the connection's PRAGMAs, as the library set them on its own connection. */
  readonly pragmas: readonly string[];
  /** MySQL: the transaction's first and last statement (SQLite: better-sqlite3's own). */
  readonly begin: string | null;
  readonly commit: string | null;
  /** The batch's statement from the oldest guest (PostgreSQL: the whole batch; MySQL: the pick). */
  readonly first: string;
  /** The same, resuming at `after` (null on SQLite, which never resumes). */
  readonly resume: string | null;
  /** The DELETE of picked ids (MySQL; its id list is rebuilt per batch) or of a batch (SQLite). */
  readonly remove: string | null;
  /** The funnel counter's bump (SQLite, MySQL; inside PostgreSQL's one statement). */
  readonly bump: string | null;
  /** After the batches: expired sessions, expired continue links. */
  readonly epilogue: readonly string[];
  /** The statements ours runs that the floor does not: the count before the batches. */
  readonly oursOnly: readonly string[];
}

const starts = (text: string, prefix: string) =>
  text.trimStart().toLowerCase().startsWith(prefix.toLowerCase());

function one(log: readonly Captured[], test: (c: Captured) => boolean, role: string): string {
  const texts = [...new Set(log.filter(test).map((c) => c.sql))];
  if (texts.length !== 1)
    throw new Error(
      `floor plan: expected one ${role} text, found ${texts.length}: ${texts.join(" / ")}`,
    );
  return texts[0] as string;
}

/** The MySQL DELETE of `count` ids, built from the captured text of any count. */
export function mysqlRemove(captured: string, count: number): string {
  const match = /\((\?(?:, \?)*)\)$/.exec(captured);
  if (!match) throw new Error(`floor plan: no id list at the end of ${captured.slice(0, 80)}`);
  return `${captured.slice(0, match.index)}(${Array(count).fill("?").join(", ")})`;
}

/**
 * The plan of `dialect` from the statements of a warm-up: `setup` (opening the connection,
 * for SQLite's PRAGMAs) and `cleanup` (one `deleteExpired()` of a few batches, with at least
 * one resumed batch on PostgreSQL and MySQL). Throws when a statement has no role.
 */
export function planOf(
  dialect: DialectName,
  setup: readonly Captured[],
  cleanup: readonly Captured[],
): FloorPlan {
  // The count before the batches (its shape depends on the retention rule): a read with count(*).
  const count = (c: Captured) =>
    starts(c.sql, "select") && !starts(c.sql, "select user_id") && c.sql.includes("count(*)");
  const oursOnly = [...new Set(cleanup.filter(count).map((c) => c.sql))];
  const body = cleanup.filter((c) => !count(c));
  const epilogue = body.slice(-2).map((c) => c.sql);
  if (!epilogue.every((text) => starts(text, "delete from")))
    throw new Error(
      `floor plan: the clean-up does not end with two DELETEs: ${epilogue.join(" / ")}`,
    );
  const batches = body.slice(0, -2);
  const pragmas = setup.filter((c) => starts(c.sql, "pragma")).map((c) => c.sql);
  const isBegin = (c: Captured) => starts(c.sql, "begin");
  const isCommit = (c: Captured) => starts(c.sql, "commit");
  const isPick = (c: Captured) => starts(c.sql, "select user_id") || starts(c.sql, "with picked");
  const isRemove = (c: Captured) => starts(c.sql, "delete from");
  const isBump = (c: Captured) => starts(c.sql, "insert into");
  const picks = batches.filter(isPick);
  const fewest = Math.min(...picks.map((c) => c.params.length));
  const plan: FloorPlan = {
    dialect,
    pragmas: dialect === "sqlite" ? pragmas : [],
    begin: dialect === "mysql" ? one(batches, isBegin, "begin") : null,
    commit: dialect === "mysql" ? one(batches, isCommit, "commit") : null,
    first:
      dialect === "sqlite"
        ? one(batches, isRemove, "delete")
        : one(picks, (c) => c.params.length === fewest, "first pick"),
    resume:
      dialect === "sqlite" ? null : one(picks, (c) => c.params.length > fewest, "resume pick"),
    remove: dialect === "mysql" ? (batches.find(isRemove)?.sql ?? null) : null,
    bump: dialect === "postgres" ? null : one(batches, isBump, "bump"),
    epilogue,
    oursOnly,
  };
  const known = new Set(
    [plan.begin, plan.commit, plan.first, plan.resume, plan.remove, plan.bump].filter(
      (text): text is string => text !== null,
    ),
  );
  const stray = batches.filter(
    (c) =>
      !known.has(c.sql) &&
      !(dialect === "mysql" && isRemove(c)) &&
      !(dialect === "sqlite" && (isBegin(c) || isCommit(c))),
  );
  if (stray.length > 0)
    throw new Error(`floor plan: statements with no role: ${stray.map((c) => c.sql).join(" / ")}`);
  return plan;
}
