import type { DatabaseKind, Framework, Scenario } from "./args.ts";
import type { Measured } from "./scenarios.ts";

/** Every measurement of one bench run, keyed by what was measured. */
export interface Results {
  guestUser: Map<string, Measured | Error>;
  bare: Map<string, Measured | Error>;
  betterAuth: Map<string, Measured | Error>;
  /** guest-user from the `--compare` copy of src/, keyed like `guestUser`. */
  compare: Map<string, Measured | Error>;
  /** The floors (the same statements on the bare driver), keyed by the scenario they serve. */
  floor: Map<string, Measured | Error>;
}

export const key = (...parts: string[]) => parts.join("/");

const LABELS: Record<Scenario, string> = {
  "first-visit": "first visit (creates a guest)",
  "first-visit-lazy": 'first visit, createGuests: "onWrite" (no row)',
  "returning-guest": "returning guest",
  "returning-guest-cached": "returning guest, sessionCache on",
  "registered-user": "registered user",
};

const BETTER_AUTH_LABELS: Record<Scenario, string> = {
  "first-visit": "sign-in/anonymous",
  "first-visit-lazy": "sign-in/anonymous",
  "returning-guest": "get-session (anonymous)",
  "returning-guest-cached": "get-session (anonymous)",
  "registered-user": "get-session (signed up)",
};

/**
 * The measurement of the floors and of Better Auth a scenario is compared with: its own,
 * except the cached returning guest's, which is the uncached one's (floor (a)'s lookup, plain
 * get-session). Floor (b), a first visit's writes, serves the first visit; the lazy first
 * visit has no floor (it runs no statement: its floor is the bare framework).
 */
export const comparedScenario = (scenario: Scenario): Scenario =>
  scenario === "returning-guest-cached" ? "returning-guest" : scenario;

/** What the floors are called in the tables. */
export const FLOOR_LABELS: Partial<Record<Scenario, string>> = {
  "first-visit": "(b) first-visit writes",
  "returning-guest": "(a) session lookup",
  "returning-guest-cached": "(a) session lookup",
  "registered-user": "(a) session lookup",
};

export function rate(entry: Measured | Error | undefined): number | null {
  if (!entry || entry instanceof Error || entry.problems.length > 0) return null;
  return entry.rps;
}

function cell(entry: Measured | Error | undefined): string {
  if (!entry) return "n/a";
  if (entry instanceof Error) return "ERROR";
  const value = Math.round(entry.rps).toLocaleString("en-US");
  return entry.problems.length > 0 ? `${value} (CHECK FAILED)` : value;
}

function ratio(a: number | null, b: number | null, digits = 2): string {
  if (a === null || b === null || b === 0) return "n/a";
  return `${(a / b).toFixed(digits)}x`;
}

export function percent(a: number | null, b: number | null): string {
  if (a === null || b === null || b === 0) return "n/a";
  return `${((a / b) * 100).toFixed(0)}%`;
}

/** Every (database, framework, scenario) with its three measurements: the rows of both tables. */
function* rows(
  results: Results,
  databases: readonly DatabaseKind[],
  frameworks: readonly Framework[],
  scenarios: readonly Scenario[],
) {
  for (const db of databases) {
    for (const framework of frameworks) {
      for (const scenario of scenarios) {
        yield {
          db,
          framework,
          scenario,
          gu: results.guestUser.get(key(db, framework, scenario)),
          floor:
            scenario === "first-visit-lazy"
              ? undefined
              : results.floor.get(key(db, framework, comparedScenario(scenario))),
          bare: results.bare.get(key(db, framework)),
          ba: results.betterAuth.get(key(db, comparedScenario(scenario))),
        };
      }
    }
  }
}

/** The Markdown table, one row per database, framework and scenario. */
export function table(
  results: Results,
  databases: readonly DatabaseKind[],
  frameworks: readonly Framework[],
  scenarios: readonly Scenario[],
): string {
  const lines = [
    "| database | framework | scenario | guest-user req/s | floor req/s | guest-user / floor | bare framework req/s | guest-user / bare | Better Auth req/s | guest-user / Better Auth |",
    "|---|---|---|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const { db, framework, scenario, gu, floor, bare, ba } of rows(
    results,
    databases,
    frameworks,
    scenarios,
  )) {
    const baCell = ba ? `${cell(ba)} (${BETTER_AUTH_LABELS[scenario]})` : "n/a";
    const floorCell = floor ? `${cell(floor)} ${FLOOR_LABELS[scenario] ?? ""}` : "n/a";
    lines.push(
      `| ${db} | ${framework} | ${LABELS[scenario]} | ${cell(gu)} | ${floorCell} | ${percent(rate(gu), rate(floor))} | ${cell(bare)} | ${percent(rate(gu), rate(bare))} | ${baCell} | ${ratio(rate(gu), rate(ba))} |`,
    );
  }
  return lines.join("\n");
}

const us = (entry: Measured | Error | undefined, pick: "server" | "database") =>
  !entry || entry instanceof Error ? "n/a" : entry.cpu[pick].toFixed(0);

/** What guest-user costs beyond its floor per request: server + database CPU µs, signed. */
function extra(gu: Measured | Error | undefined, floor: Measured | Error | undefined): string {
  if (!gu || !floor || gu instanceof Error || floor instanceof Error) return "n/a";
  const more = gu.cpu.server + gu.cpu.database - (floor.cpu.server + floor.cpu.database);
  return `${more >= 0 ? "+" : ""}${more.toFixed(0)}`;
}

/**
 * CPU microseconds per request, from /proc (Linux): where the 2 cores go. The database columns
 * sum PostgreSQL's processes of the bench database (or mariadbd) while that server ran; SQLite
 * runs inside the server. "guest-user - floor": what the library and its adapter add to the
 * floor's server + database CPU per request.
 */
export function cpuTable(
  results: Results,
  databases: readonly DatabaseKind[],
  frameworks: readonly Framework[],
  scenarios: readonly Scenario[],
): string {
  const lines = [
    "| database | framework | scenario | guest-user server | guest-user database | floor server | floor database | guest-user - floor | bare server | Better Auth server | Better Auth database |",
    "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const { db, framework, scenario, gu, floor, bare, ba } of rows(
    results,
    databases,
    frameworks,
    scenarios,
  )) {
    lines.push(
      `| ${db} | ${framework} | ${LABELS[scenario]} | ${us(gu, "server")} | ${us(gu, "database")} | ${us(floor, "server")} | ${us(floor, "database")} | ${extra(gu, floor)} | ${us(bare, "server")} | ${us(ba, "server")} | ${us(ba, "database")} |`,
    );
  }
  return lines.join("\n");
}

/** Problems seen during the runs, for the notes under the table. */
export function problems(results: Results): string[] {
  const out: string[] = [];
  for (const [label, map] of Object.entries(results)) {
    for (const [name, entry] of map as Map<string, Measured | Error>) {
      if (entry instanceof Error) out.push(`${label} ${name}: ERROR ${entry.message}`);
      else for (const problem of entry.problems) out.push(`${label} ${name}: ${problem}`);
    }
  }
  return out;
}

/** `--compare`: req/s of this src/ and of the other copy, per database, framework and scenario. */
export function compareTable(
  results: Results,
  databases: readonly DatabaseKind[],
  frameworks: readonly Framework[],
  scenarios: readonly Scenario[],
): string {
  const lines = [
    "| database | framework | scenario | this src/ | --compare | this / compare |",
    "|---|---|---|---:|---:|---:|",
  ];
  for (const { db, framework, scenario, gu } of rows(results, databases, frameworks, scenarios)) {
    const other = results.compare.get(key(db, framework, scenario));
    lines.push(
      `| ${db} | ${framework} | ${LABELS[scenario]} | ${cell(gu)} | ${cell(other)} | ${percent(rate(gu), rate(other))} |`,
    );
  }
  return lines.join("\n");
}
