/**
 * Who takes part in a database's rounds of the HTTP bench: per framework the bare framework,
 * the floors (guest-user's statements on the bare driver), guest-user (default, lazy and cached
 * servers, and the `--compare` copy), and Better Auth; each with how to prepare a scenario and
 * where its result goes.
 */
import type { ServerConfig } from "./apps.ts";
import type { BenchOptions, DatabaseKind, Scenario } from "./args.ts";
import type { Probe } from "./databases.ts";
import type { Launched } from "./load.ts";
import { comparedScenario, key, type Results } from "./report.ts";
import {
  type Measured,
  type Prepared,
  prepareBare,
  prepareBetterAuth,
  prepareFloor,
  prepareGuestUser,
} from "./scenarios.ts";

const LAZY: Scenario = "first-visit-lazy";
const CACHED: Scenario = "returning-guest-cached";

/** One server of a database round, and where its results go. */
export interface Participant {
  readonly label: string;
  readonly config: ServerConfig;
  readonly scenarios: readonly Scenario[];
  prepare(port: number, scenario: Scenario): Promise<Prepared>;
  record(scenario: Scenario, result: Measured | Error): void;
  server?: Launched;
  profileDir?: string;
}

export function participants(
  options: BenchOptions,
  kind: DatabaseKind,
  db: Probe,
  results: Results,
) {
  const database = db.target;
  const all: Participant[] = [];
  const bareRound: Scenario =
    options.scenarios.find((s) => s === "returning-guest" || s === CACHED) ??
    (options.scenarios[0] as Scenario);
  // The lazy scenario needs servers built with createGuests: "onWrite", the cached one servers
  // with a sessionCache; the others, the defaults.
  const eager = options.scenarios.filter((scenario) => scenario !== LAZY && scenario !== CACHED);
  const lazy = options.scenarios.filter((scenario) => scenario === LAZY);
  const cached = options.scenarios.filter((scenario) => scenario === CACHED);
  // Floor (a), the lookup, in the rounds of a returning visitor; floor (b) in the first visit's.
  const lookupRounds: Scenario[] = options.scenarios.filter(
    (s) => s === "returning-guest" || s === "registered-user",
  );
  if (lookupRounds.length === 0 && options.scenarios.includes(CACHED)) lookupRounds.push(CACHED);
  const floors = [
    { floor: "lookup" as const, scenarios: lookupRounds },
    { floor: "insert" as const, scenarios: options.scenarios.filter((s) => s === "first-visit") },
  ].filter((f) => options.floor && f.scenarios.length > 0);
  for (const framework of options.frameworks) {
    all.push({
      label: `${kind}/bare/${framework}`,
      config: { kind: "bare", framework },
      scenarios: [bareRound],
      prepare: (port) => prepareBare(port),
      record: (_scenario, result) => results.bare.set(key(kind, framework), result),
    });
    for (const { floor, scenarios } of floors) {
      all.push({
        label: `${kind}/floor-${floor}/${framework}`,
        config: { kind: "floor", framework, database, floor },
        scenarios,
        prepare: (port, scenario) => prepareFloor(port, floor, scenario, db),
        record: (scenario, result) =>
          results.floor.set(key(kind, framework, comparedScenario(scenario)), result),
      });
    }
    const guestUser = (
      label: string,
      scenarios: Scenario[],
      variant: { createGuests?: "onWrite"; sessionCache?: true },
    ) => {
      all.push({
        label: `${kind}/${label}/${framework}`,
        config: { kind: "guest-user", framework, database, ...variant },
        scenarios,
        prepare: (port, scenario) => prepareGuestUser(port, scenario, db),
        record: (scenario, result) => results.guestUser.set(key(kind, framework, scenario), result),
      });
      if (options.compare === null) return;
      all.push({
        label: `${kind}/${label}@compare/${framework}`,
        config: { kind: "guest-user", framework, database, ...variant, src: options.compare },
        scenarios,
        prepare: (port, scenario) => prepareGuestUser(port, scenario, db),
        record: (scenario, result) => results.compare.set(key(kind, framework, scenario), result),
      });
    };
    if (eager.length > 0) guestUser("guest-user", eager, {});
    if (lazy.length > 0) guestUser("guest-user-onWrite", lazy, { createGuests: "onWrite" });
    if (cached.length > 0) guestUser("guest-user-sessionCache", cached, { sessionCache: true });
  }
  if (options.betterAuth) {
    all.push({
      label: `${kind}/better-auth/node-http`,
      config: { kind: "better-auth", database },
      // The cached returning guest is compared with the same get-session as the uncached one.
      scenarios: betterAuthScenarios(options.scenarios),
      prepare: (port, scenario) => prepareBetterAuth(port, scenario),
      record: (scenario, result) => results.betterAuth.set(key(kind, scenario), result),
    });
  }
  return all;
}

/** Better Auth's scenarios: returning-guest-cached reuses the returning-guest measurement. */
function betterAuthScenarios(scenarios: readonly Scenario[]): Scenario[] {
  return [...new Set(scenarios.map(comparedScenario))];
}
