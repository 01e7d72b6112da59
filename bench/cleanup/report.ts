/**
 * The verdicts and the Markdown table: ours against the floor (the same statements on the bare
 * driver, measured in the same run), not against absolute seconds, which move from day to day
 * on a shared machine (the same run measured 3.5 s and 4.9 s on two days).
 */
import type { DialectName } from "../../src/index.ts";
import type { Measured } from "./measure.ts";

/** Targets of issue 21: time against the floor, stall, memory. */
export const TARGETS = {
  /** Ours' time over the floor's. */
  maxRatio: 1.15,
  /** Longest gap of the 10 ms timer, ms. */
  maxStallMs: 20,
  /**
   * Peak heap growth, MiB: "constant memory" judged against a fixed bound far below what
   * holding the ids would take (1,000,000 ids: 8 MiB as numbers, ~50 MiB as a JS array of
   * rows), so growth with N shows as a MISS at large N. Compare `--count 100000,1000000`.
   */
  maxHeapGrowthMiB: 32,
} as const;

const NAMES: Record<DialectName, string> = {
  sqlite: "SQLite",
  postgres: "PostgreSQL",
  mysql: "MariaDB/MySQL",
};

/** One database at one N: the medians of ours and of the floor. */
export interface Compared {
  readonly dialect: DialectName;
  readonly count: number;
  readonly kept: number;
  readonly batchSize: number | undefined;
  readonly runs: number;
  readonly ours: Measured;
  readonly floor: Measured;
  /** The median of ours/floor over the runs, each pair measured back to back. */
  readonly ratio: number;
  /** The same for this process's CPU time (SQLite: all of the work; elsewhere: the client's). */
  readonly cpuRatio: number;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");

/** The table's cells for `c`. */
function cells(c: Compared): string[] {
  const { ratio } = c;
  const { maxRatio, maxStallMs, maxHeapGrowthMiB } = TARGETS;
  return [
    NAMES[c.dialect],
    c.count.toLocaleString("en-US") +
      (c.kept > 0 ? ` (${c.kept.toLocaleString("en-US")} kept)` : ""),
    c.batchSize === undefined ? "default" : c.batchSize.toLocaleString("en-US"),
    String(c.runs),
    c.ours.seconds.toFixed(2),
    c.floor.seconds.toFixed(2),
    `${ratio.toFixed(3)} ${verdict(ratio <= maxRatio)}`,
    `${c.ours.cpuSeconds.toFixed(2)} / ${c.floor.cpuSeconds.toFixed(2)} = ${c.cpuRatio.toFixed(3)}`,
    `${c.ours.stall.toFixed(0)} / ${c.floor.stall.toFixed(0)} ${verdict(c.ours.stall <= maxStallMs)}`,
    `${c.ours.heapGrowth.toFixed(1)} / ${c.floor.heapGrowth.toFixed(1)} ${verdict(c.ours.heapGrowth < maxHeapGrowthMiB)}`,
    `${c.ours.peakRss.toFixed(0)} / ${c.floor.peakRss.toFixed(0)}`,
  ];
}

/** The Markdown table, with the targets in its header. */
export function table(rows: readonly Compared[]): string {
  const { maxRatio, maxStallMs, maxHeapGrowthMiB } = TARGETS;
  return [
    `| database | guests | batch size | runs | ours (s) | floor (s) | ours/floor (<= ${maxRatio}) |` +
      " CPU s of this process, ours / floor |" +
      ` longest stall ms, ours / floor (ours <= ${maxStallMs}) |` +
      ` peak heap growth MiB, ours / floor (ours < ${maxHeapGrowthMiB}) | peak RSS MiB, ours / floor |`,
    "|---|---:|---:|---:|---:|---:|---|---|---|---|---:|",
    ...rows.map((row) => `| ${cells(row).join(" | ")} |`),
  ].join("\n");
}

/** True when every row meets every target. */
export function allPass(rows: readonly Compared[]): boolean {
  return rows.every(
    (c) =>
      c.ratio <= TARGETS.maxRatio &&
      c.ours.stall <= TARGETS.maxStallMs &&
      c.ours.heapGrowth < TARGETS.maxHeapGrowthMiB,
  );
}
