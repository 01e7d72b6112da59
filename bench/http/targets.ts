/**
 * The HTTP bench's targets (issue 21): ratios measured in the same run, never absolute rates
 * (this machine's speed varies from day to day; a ratio of two servers measured in the same
 * interleaved runs does not). Against the floors (the same statements on the bare driver),
 * the bare framework and Better Auth.
 */
import type { DatabaseKind, Framework, Scenario } from "./args.ts";
import { comparedScenario, key, type Results, rate } from "./report.ts";

interface Target {
  readonly scenario: Scenario;
  readonly against: "betterAuth" | "bare" | "floor";
  readonly min: number;
  readonly text: string;
  /** The frameworks the target is set for. @default every framework */
  readonly frameworks?: readonly Framework[];
}

const HONO_FASTIFY: readonly Framework[] = ["hono", "fastify"];

const TARGETS: readonly Target[] = [
  {
    scenario: "first-visit",
    against: "floor",
    min: 0.85,
    text: "first visit >= 85% of floor (b) (the same writes on the bare driver)",
  },
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
  },
  {
    scenario: "first-visit-lazy",
    against: "betterAuth",
    min: 10,
    text: 'first visit with createGuests: "onWrite" >= 10x Better Auth sign-in/anonymous',
    frameworks: HONO_FASTIFY,
  },
  {
    scenario: "returning-guest",
    against: "floor",
    min: 0.9,
    text: "returning guest >= 90% of floor (a) (the same lookup on the bare driver)",
    frameworks: HONO_FASTIFY,
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

/** The measurement a target compares guest-user with. */
function reference(results: Results, target: Target, db: DatabaseKind, framework: Framework) {
  if (target.against === "bare") return rate(results.bare.get(key(db, framework)));
  if (target.against === "floor")
    return rate(results.floor.get(key(db, framework, comparedScenario(target.scenario))));
  return rate(results.betterAuth.get(key(db, comparedScenario(target.scenario))));
}

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
        const other = reference(results, target, db, framework);
        const where = `${db}/${framework}`;
        if (gu === null || other === null) {
          lines.push(`- n/a  ${target.text} [${where}]: not measured or a check failed`);
          continue;
        }
        const actual = gu / other;
        const margin = (actual / target.min - 1) * 100;
        const shown =
          target.against === "betterAuth"
            ? `${actual.toFixed(2)}x`
            : `${(actual * 100).toFixed(1)}%`;
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
