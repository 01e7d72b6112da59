import type { DatabaseKind, Framework, Scenario } from "./args.ts";
import type { Measured } from "./scenarios.ts";

/** Every measurement of one bench run, keyed by what was measured. */
export interface Results {
  guestUser: Map<string, Measured | Error>;
  bare: Map<string, Measured | Error>;
  betterAuth: Map<string, Measured | Error>;
  /** guest-user from the `--compare` copy of src/, keyed like `guestUser`. */
  compare: Map<string, Measured | Error>;
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

/** The Better Auth measurement a scenario is compared with (the cached one: plain get-session). */
const betterAuthScenario = (scenario: Scenario): Scenario =>
  scenario === "returning-guest-cached" ? "returning-guest" : scenario;

function rate(entry: Measured | Error | undefined): number | null {
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

function percent(a: number | null, b: number | null): string {
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
          bare: results.bare.get(key(db, framework)),
          ba: results.betterAuth.get(key(db, betterAuthScenario(scenario))),
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
    "| database | framework | scenario | guest-user req/s | bare framework req/s | Better Auth req/s | guest-user / Better Auth | guest-user / bare |",
    "|---|---|---|--:|--:|--:|--:|--:|",
  ];
  for (const { db, framework, scenario, gu, bare, ba } of rows(
    results,
    databases,
    frameworks,
    scenarios,
  )) {
    const baCell = ba ? `${cell(ba)} (${BETTER_AUTH_LABELS[scenario]})` : "n/a";
    lines.push(
      `| ${db} | ${framework} | ${LABELS[scenario]} | ${cell(gu)} | ${cell(bare)} | ${baCell} | ${ratio(rate(gu), rate(ba))} | ${percent(rate(gu), rate(bare))} |`,
    );
  }
  return lines.join("\n");
}

const us = (entry: Measured | Error | undefined, pick: "server" | "postgres") =>
  !entry || entry instanceof Error ? "n/a" : entry.cpu[pick].toFixed(0);

/**
 * CPU microseconds per request, from /proc (Linux): where the 2 cores go. PostgreSQL's column
 * sums every postgres process while that server ran.
 */
export function cpuTable(
  results: Results,
  databases: readonly DatabaseKind[],
  frameworks: readonly Framework[],
  scenarios: readonly Scenario[],
): string {
  const lines = [
    "| database | framework | scenario | guest-user server | guest-user postgres | bare server | Better Auth server | Better Auth postgres |",
    "|---|---|---|--:|--:|--:|--:|--:|",
  ];
  for (const { db, framework, scenario, gu, bare, ba } of rows(
    results,
    databases,
    frameworks,
    scenarios,
  )) {
    lines.push(
      `| ${db} | ${framework} | ${LABELS[scenario]} | ${us(gu, "server")} | ${us(gu, "postgres")} | ${us(bare, "server")} | ${us(ba, "server")} | ${us(ba, "postgres")} |`,
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

interface Target {
  readonly scenario: Scenario;
  readonly against: "betterAuth" | "bare";
  readonly min: number;
  readonly text: string;
  /** The frameworks the target is set for. @default every framework */
  readonly frameworks?: readonly Framework[];
}

const TARGETS: readonly Target[] = [
  {
    scenario: "first-visit",
    against: "betterAuth",
    min: 10,
    text: "first visit >= 10x Better Auth sign-in/anonymous",
  },
  {
    scenario: "first-visit-lazy",
    against: "bare",
    min: 0.5,
    text: 'first visit with createGuests: "onWrite" >= 50% of the bare framework',
    frameworks: ["hono", "fastify"],
  },
  {
    scenario: "first-visit-lazy",
    against: "betterAuth",
    min: 10,
    text: 'first visit with createGuests: "onWrite" >= 10x Better Auth sign-in/anonymous',
    frameworks: ["hono", "fastify"],
  },
  {
    scenario: "returning-guest",
    against: "betterAuth",
    min: 10,
    text: "returning guest >= 10x Better Auth get-session",
  },
  {
    scenario: "returning-guest",
    against: "bare",
    min: 0.25,
    text: "returning guest >= 25% of the bare framework",
  },
  {
    scenario: "returning-guest-cached",
    against: "betterAuth",
    min: 10,
    text: "returning guest with sessionCache >= 10x Better Auth get-session",
  },
  {
    scenario: "returning-guest-cached",
    against: "bare",
    min: 0.5,
    text: "returning guest with sessionCache >= 50% of the bare framework",
  },
];

/** PASS/MISS per target, database and framework, with the margin to the target. */
export function targets(
  results: Results,
  databases: readonly DatabaseKind[],
  frameworks: readonly Framework[],
  scenarios: readonly Scenario[],
): { lines: string[]; missed: number } {
  const lines: string[] = [];
  let missed = 0;
  for (const target of TARGETS) {
    if (!scenarios.includes(target.scenario)) continue;
    for (const db of databases) {
      for (const framework of frameworks) {
        if (target.frameworks && !target.frameworks.includes(framework)) continue;
        const gu = rate(results.guestUser.get(key(db, framework, target.scenario)));
        const other =
          target.against === "bare"
            ? rate(results.bare.get(key(db, framework)))
            : rate(results.betterAuth.get(key(db, betterAuthScenario(target.scenario))));
        const where = `${db}/${framework}`;
        if (gu === null || other === null) {
          lines.push(`- n/a  ${target.text} [${where}]: not measured or a check failed`);
          continue;
        }
        const actual = gu / other;
        const margin = (actual / target.min - 1) * 100;
        const shown =
          target.against === "bare" ? `${(actual * 100).toFixed(1)}%` : `${actual.toFixed(2)}x`;
        const pass = actual >= target.min;
        if (!pass) missed++;
        lines.push(
          `- ${pass ? "PASS" : "MISS"} ${target.text} [${where}]: ${shown} (margin ${margin >= 0 ? "+" : ""}${margin.toFixed(0)}% of the target)`,
        );
      }
    }
  }
  return { lines, missed };
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
