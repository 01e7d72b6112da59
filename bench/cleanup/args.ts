/**
 * The clean-up bench's command line: `--count N[,N...]` (default 100000), `--batch-size B`
 * (default: the library's own), `--dialect sqlite|postgres|mysql|all` (default all three; may
 * be comma-separated; `mariadb` is `mysql`), `--kept K` (default 0), `--runs R` (default 1:
 * ours then the floor; more alternate them and report the medians).
 */
import { parseArgs } from "node:util";
import type { DialectName } from "../../src/index.ts";

/** The parsed command line. */
export interface BenchArgs {
  readonly counts: readonly number[];
  readonly batchSize: number | undefined;
  readonly dialects: readonly DialectName[];
  readonly kept: number;
  readonly runs: number;
}

const ALL: readonly DialectName[] = ["sqlite", "postgres", "mysql"];

/** Parses `argv` (without node and the script); throws a readable Error on a bad value. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      count: { type: "string", default: "100000" },
      "batch-size": { type: "string" },
      dialect: { type: "string", default: "all" },
      kept: { type: "string", default: "0" },
      runs: { type: "string", default: "1" },
    },
  });
  const integer = (name: string, text: string, min = 1) => {
    const value = Number(text.replaceAll("_", ""));
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name}: expected an integer >= ${min}, got ${text}`);
    return value;
  };
  const counts = values.count.split(",").map((text) => integer("count", text));
  const batchText = values["batch-size"];
  const batchSize = batchText === undefined ? undefined : integer("batch-size", batchText);
  const kept = integer("kept", values.kept, 0);
  if (counts.some((count) => kept > count)) throw new Error("--kept: more than --count");
  const dialects =
    values.dialect === "all"
      ? ALL
      : values.dialect.split(",").map((name) => {
          const dialect = name === "mariadb" ? "mysql" : name;
          if (!ALL.includes(dialect as DialectName)) throw new Error(`--dialect: unknown ${name}`);
          return dialect as DialectName;
        });
  return { counts, batchSize, dialects, kept, runs: integer("runs", values.runs) };
}
