import type { FunnelDay } from "../../core/operations/funnel.ts";
import { escapeHtml } from "../views/html.ts";

/** The chart's colours, also used by the legend. */
export const CHART_COLORS = {
  created: "#93c5fd",
  converted: "#16a34a",
  merged: "#8b5cf6",
  deleted: "#dc2626",
} as const;

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 44;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 30;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

/** The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1). */
function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5].map((step) => step * power).find((nice) => nice >= value) ?? 10 * power;
}

const round = (value: number) => Math.round(value * 10) / 10;
const formatTick = (value: number) =>
  value >= 10_000 ? `${round(value / 1000)}k` : String(round(value));

/**
 * The funnel as an inline SVG chart (no script, no external asset): per day a light bar of
 * guests created, inside it the conversions (converted, then merged, stacked), and a line of
 * deletions. Each day's group has a `<title>` (the browser's tooltip) with its numbers.
 *
 * @example
 * ```ts
 * const svg = funnelChart((await guestUsers.funnel()).days);
 * ```
 */
export function funnelChart(days: readonly FunnelDay[]): string {
  const peak = Math.max(
    1,
    ...days.map((d) => Math.max(d.created, d.converted + d.merged, d.deleted)),
  );
  const top = niceCeiling(peak);
  const y = (value: number) => round(TOP + PLOT_H - (value / top) * PLOT_H);
  const slot = PLOT_W / Math.max(1, days.length);
  const outer = Math.max(1, slot * 0.72);
  const inner = Math.max(1, outer * 0.5);
  const grid = [0, top / 2, top]
    .map(
      (value) =>
        `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e7eb"/>` +
        `<text x="${LEFT - 6}" y="${y(value) + 4}" text-anchor="end">${escapeHtml(formatTick(value))}</text>`,
    )
    .join("");
  const every = Math.max(1, Math.ceil(days.length / 7));
  const bars: string[] = [];
  const labels: string[] = [];
  const points: [number, number][] = [];
  days.forEach((day, i) => {
    const center = round(LEFT + i * slot + slot / 2);
    const bar = (x: number, width: number, from: number, value: number, color: string) =>
      value > 0
        ? `<rect x="${round(x - width / 2)}" y="${y(from + value)}" width="${round(width)}" height="${round(y(from) - y(from + value))}" fill="${color}" rx="1"/>`
        : "";
    const tooltip = `${day.day}: ${day.created} created, ${day.converted} converted, ${day.merged} merged, ${day.deleted} deleted`;
    bars.push(
      `<g><title>${escapeHtml(tooltip)}</title>` +
        `<rect x="${round(center - slot / 2)}" y="${TOP}" width="${round(slot)}" height="${PLOT_H}" fill="transparent"/>` +
        bar(center, outer, 0, day.created, CHART_COLORS.created) +
        bar(center, inner, 0, day.converted, CHART_COLORS.converted) +
        bar(center, inner, day.converted, day.merged, CHART_COLORS.merged) +
        "</g>",
    );
    points.push([center, y(day.deleted)]);
    if (i % every === 0 || i === days.length - 1) {
      labels.push(
        `<text x="${center}" y="${HEIGHT - 10}" text-anchor="middle">${escapeHtml(day.day.slice(5))}</text>`,
      );
    }
  });
  const line =
    days.length > 0
      ? `<polyline points="${points.map((point) => point.join(",")).join(" ")}" fill="none" stroke="${CHART_COLORS.deleted}" stroke-width="2" stroke-linejoin="round"/>` +
        points
          .map(
            ([cx, cy]) => `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${CHART_COLORS.deleted}"/>`,
          )
          .join("")
      : "";
  const total = (key: "created" | "deleted") => days.reduce((sum, d) => sum + d[key], 0);
  const first = days[0]?.day ?? "";
  const last = days.at(-1)?.day ?? "";
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="funnel-chart-title funnel-chart-desc" font-size="11" fill="#4b5563">
<title id="funnel-chart-title">Guests per day, ${escapeHtml(first)} to ${escapeHtml(last)} (UTC)</title>
<desc id="funnel-chart-desc">${escapeHtml(`${total("created")} guests created and ${total("deleted")} deleted in ${days.length} days; the table below has every number.`)}</desc>
${grid}
${bars.join("\n")}
${line}
${labels.join("")}
</svg>`;
}
