import { funnelReport } from "../funnel-report.ts";
import { EXIT, writeLine } from "../io.ts";
import { onMigratedSchema } from "../schema.ts";
import type { Command } from "./context.ts";

/**
 * `guest-user stats`: the number of guests, of expired guests, and of guests the
 * `retention.keepIf` rule keeps longer (`kept`: 0 without a rule; its text line only with
 * one), and the conversion funnel of the last 30 days, as text or JSON
 * (`{"guests":N,"expired":M,"kept":K,"funnel":{"days":[...],"totals":{...}}}`). Never
 * creates tables: an unmigrated database is reported as such.
 * @example
 * ```ts
 * await stats({ guestUsers, database, options: { json: true, dryRun: false }, io });
 * // prints {"guests":5,"expired":3,"kept":1,"funnel":{"days":[...],"totals":{...}}}
 * ```
 */
export const stats: Command = async ({ guestUsers, database, options, io }) => {
  // One after the other: before `migrate`, the error always names the guests table.
  const { guests, expired, kept, funnel } = await onMigratedSchema(
    { database, guestUsers },
    async () => {
      const counts = await guestUsers.stats({ maxAge: options.maxAge });
      return { ...counts, funnel: await guestUsers.funnel() };
    },
  );
  const rule = guestUsers.settings.retention.keepIf !== null;
  const keptLine = rule ? `\nKept: ${kept} (matching retention.keepIf)` : "";
  writeLine(
    io.stdout,
    options.json
      ? JSON.stringify({
          guests,
          expired,
          kept,
          funnel: { days: funnel.days, totals: funnel.totals },
        })
      : `Guests: ${guests}\nExpired: ${expired}${keptLine}\n\n${funnelReport(funnel)}`,
  );
  return EXIT.ok;
};
