import type { Funnel } from "../index.ts";

const COLUMNS = ["created", "converted", "merged", "deleted"] as const;

/**
 * The funnel as text for a terminal: the days that had events (the others are left out), a
 * total line and the conversion rate.
 * @example
 * ```ts
 * funnelReport(await guestUsers.funnel());
 * // Funnel, last 30 days (UTC):
 * //   day         created  converted  merged  deleted
 * //   2026-01-05        6          1       0        0
 * //   total             6          1       0        0
 * // Conversion rate: 16.7% ((converted + merged) / created)
 * ```
 */
export function funnelReport({ days, totals }: Funnel): string {
  const title = `Funnel, last ${days.length} day${days.length === 1 ? "" : "s"} (UTC):`;
  const busy = days.filter((day) => COLUMNS.some((column) => day[column] > 0));
  if (busy.length === 0) return `${title} no guest created, converted, merged or deleted.`;
  const rows: string[][] = [
    ["day", ...COLUMNS],
    ...busy.map((day) => [day.day, ...COLUMNS.map((column) => String(day[column]))]),
    ["total", ...COLUMNS.map((column) => String(totals[column]))],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  const lines = rows.map(
    (row) =>
      `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")}`,
  );
  const rate = `${(totals.conversionRate * 100).toFixed(1)}%`;
  return [title, ...lines, `Conversion rate: ${rate} ((converted + merged) / created)`].join("\n");
}
