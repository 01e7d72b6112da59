import { escapeHtml } from "../views/html.ts";
import { CHART_COLORS, funnelChart } from "./chart.ts";
import { formatCount } from "./format.ts";
import { adminTabs, table } from "./page-fragments.ts";
import type { FunnelPageContext } from "./template-contexts.ts";

const SERIES = [
  ["created", "Created"],
  ["converted", "Converted"],
  ["merged", "Merged"],
  ["deleted", "Deleted"],
] as const;

/**
 * The funnel page: the totals as cards (with the conversion rate), the inline SVG chart
 * with its legend, and every day's numbers in a table (newest first) under a disclosure.
 */
export function funnelTemplate({ days, totals, paths }: FunnelPageContext): string {
  const swatches = SERIES.map(
    ([key, label]) => `<span><i style="background:${CHART_COLORS[key]}"></i>${label}</span>`,
  );
  const cards = SERIES.map(
    ([key], i) =>
      `<div class="stat">${swatches[i]}<strong>${escapeHtml(formatCount(totals[key]))}</strong></div>`,
  ).join("");
  const legend = swatches.join("");
  const rows = [...days]
    .reverse()
    .map(
      (day) =>
        `<tr><td>${escapeHtml(day.day)}</td>${SERIES.map(([key]) => `<td class="num">${escapeHtml(formatCount(day[key]))}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `${adminTabs(paths, "funnel")}
<div class="card">
<h1>Conversion funnel</h1>
<p class="lead">The last ${escapeHtml(days.length)} days (UTC): guests created, converted to an account, merged into an existing account when they logged in, and deleted.</p>
<div class="stats">${cards}<div class="stat rate"><span>Conversion rate</span><strong>${(totals.conversionRate * 100).toFixed(1)}%</strong></div></div>
<p class="quota-converted">Converted after hitting a quota: <strong>${escapeHtml(formatCount(totals.convertedAfterQuota))}</strong> of ${escapeHtml(formatCount(totals.converted))} converted</p>
${funnelChart(days)}
<div class="legend">${legend.replace("Deleted</span>", "Deleted (line)</span>")}<span>Conversion rate = (converted + merged) ÷ created</span></div>
<details>
<summary>Every day's numbers</summary>
${table(`<th scope="col">Day</th>${SERIES.map(([, label]) => `<th scope="col" class="num">${label}</th>`).join("")}`, rows)}
</details>
</div>`;
}
