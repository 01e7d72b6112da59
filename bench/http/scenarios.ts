import type { Scenario } from "./args.ts";
import { BROWSER } from "./browser.ts";
import { type CpuPerRequest, cpuSnapshot, perRequest } from "./cpu.ts";
import type { Census, Probe } from "./databases.ts";
import {
  cannon,
  type LoadSettings,
  median,
  probe,
  type RequestSpec,
  type RunResult,
} from "./load.ts";

/** The outcome of one scenario on one server: the median rate, or why it is not to be trusted. */
export interface Measured {
  readonly rps: number;
  readonly runs: readonly number[];
  /** Mean CPU microseconds per request over the runs: the server, the database, autocannon. */
  readonly cpu: CpuPerRequest;
  /** Everything that went wrong (non-2xx answers, row counts off); empty when correct. */
  readonly problems: readonly string[];
}

/** What the rows in the database must do during a measured run. */
type Expectation = "one-guest-per-2xx" | "one-ba-user-per-2xx" | "no-new-rows";

/** A scenario ready to run: the request, and how to check the answers and the rows. */
export interface Prepared {
  readonly spec: RequestSpec;
  readonly expect: Expectation;
}

const json = (value: unknown) =>
  value as { user?: { isGuest?: boolean; isAnonymous?: boolean } | null };

function fail(message: string): never {
  throw new Error(message);
}

/** guest-user: `GET /page` on an allowGuestUser() route, checked with one request first. */
export async function prepareGuestUser(
  port: number,
  scenario: Scenario,
  db: Probe,
): Promise<Prepared> {
  const page: RequestSpec = { method: "GET", path: "/page", headers: { ...BROWSER } };
  if (scenario === "first-visit-lazy") return prepareLazy(port, page, db);
  const first = await probe(port, page);
  if (first.status !== 200 || json(first.json).user?.isGuest !== true || !first.cookie)
    fail(`first visit: expected 200, a guest and a cookie; got ${first.status} ${first.text}`);
  if (scenario === "first-visit") return { spec: page, expect: "one-guest-per-2xx" };
  const returning = scenario !== "registered-user";
  const cookie = returning ? first.cookie : await db.registeredCookie();
  const spec: RequestSpec = { ...page, headers: { ...page.headers, cookie } };
  const again = await probe(port, spec);
  const isGuest = json(again.json).user?.isGuest;
  if (again.status !== 200 || isGuest !== returning || again.cookie)
    fail(
      `${scenario}: unexpected answer ${again.status} ${again.text} (set-cookie: ${again.cookie})`,
    );
  return { spec, expect: "no-new-rows" };
}

/**
 * guest-user with `createGuests: "onWrite"`: `GET /page` without a cookie runs the page for
 * an anonymous visitor (`guestPending`) and writes nothing: no cookie, no row.
 */
async function prepareLazy(port: number, page: RequestSpec, db: Probe): Promise<Prepared> {
  const before = await db.census();
  const first = await probe(port, page);
  const after = await db.census();
  if (first.status !== 200 || json(first.json).user !== null || first.cookie)
    fail(
      `first visit (lazy): expected 200 {"user":null} without a cookie; got ${first.status} ${first.text} (set-cookie: ${first.cookie})`,
    );
  if (after.users !== before.users || after.guests !== before.guests)
    fail("first visit (lazy): the GET wrote rows (is the server built with onWrite?)");
  if (after.sessions !== before.sessions) fail("first visit (lazy): the GET wrote a session");
  return { spec: page, expect: "no-new-rows" };
}

/**
 * A floor: `"lookup"` (floor (a)) gets the cookie of a guest made by guest-user (the returning
 * guest) or of a registered user; `"insert"` (floor (b)) is the first visit, one guest per 2xx.
 */
export async function prepareFloor(
  port: number,
  floor: "lookup" | "insert",
  scenario: Scenario,
  db: Probe,
): Promise<Prepared> {
  const page: RequestSpec = { method: "GET", path: "/page", headers: { ...BROWSER } };
  if (floor === "insert") {
    const first = await probe(port, page);
    if (first.status !== 200 || json(first.json).user?.isGuest !== true || !first.cookie)
      fail(`floor (b): expected 200, a guest and a cookie; got ${first.status} ${first.text}`);
    return { spec: page, expect: "one-guest-per-2xx" };
  }
  const returning = scenario !== "registered-user";
  const cookie = returning ? await db.guestCookie() : await db.registeredCookie();
  const spec: RequestSpec = { ...page, headers: { ...page.headers, cookie } };
  const answer = await probe(port, spec);
  if (answer.status !== 200 || json(answer.json).user?.isGuest !== returning)
    fail(`floor (a) ${scenario}: unexpected answer ${answer.status} ${answer.text}`);
  return { spec, expect: "no-new-rows" };
}

/** The bare framework: the same page, no guest-user; the cookie is sent and ignored. */
export async function prepareBare(port: number): Promise<Prepared> {
  const spec: RequestSpec = {
    method: "GET",
    path: "/page",
    headers: {
      ...BROWSER,
      cookie:
        "guest_user_session=AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
    },
  };
  const answer = await probe(port, spec);
  if (answer.status !== 200 || json(answer.json).user !== null)
    fail(`bare: expected 200 {"user":null}, got ${answer.status} ${answer.text}`);
  return { spec, expect: "no-new-rows" };
}

/**
 * Better Auth: `POST /api/auth/sign-in/anonymous` for a first visit (an Origin header as a
 * browser sends), `GET /api/auth/get-session` with the anonymous or a signed-up user's cookie.
 */
export async function prepareBetterAuth(port: number, scenario: Scenario): Promise<Prepared> {
  const origin = `http://127.0.0.1:${port}`;
  const post = (path: string, body: unknown): RequestSpec => ({
    method: "POST",
    path: `/api/auth${path}`,
    headers: { ...BROWSER, origin, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const signIn = post("/sign-in/anonymous", {});
  const first = await probe(port, signIn);
  if (first.status !== 200 || !first.cookie.includes("session_token"))
    fail(`Better Auth sign-in/anonymous: ${first.status} ${first.text}`);
  // first-visit-lazy compares with the same sign-in: Better Auth has no lazy mode.
  if (scenario === "first-visit" || scenario === "first-visit-lazy")
    return { spec: signIn, expect: "one-ba-user-per-2xx" };
  let cookie = first.cookie;
  if (scenario === "registered-user") {
    const email = `member-${Date.now()}@example.com`;
    const signUp = await probe(
      port,
      post("/sign-up/email", { email, password: "Pw-12345678!", name: "Member" }),
    );
    if (signUp.status !== 200 || !signUp.cookie)
      fail(`Better Auth sign-up: ${signUp.status} ${signUp.text}`);
    cookie = signUp.cookie;
  }
  const spec: RequestSpec = {
    method: "GET",
    path: "/api/auth/get-session",
    headers: { ...BROWSER, cookie },
  };
  const again = await probe(port, spec);
  const anonymous = json(again.json).user?.isAnonymous === true;
  if (
    again.status !== 200 ||
    !json(again.json).user ||
    anonymous !== (scenario === "returning-guest")
  )
    fail(`Better Auth get-session (${scenario}): ${again.status} ${again.text}`);
  return { spec, expect: "no-new-rows" };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function checkRun(
  run: RunResult,
  before: Census,
  after: Census,
  expect: Expectation,
  slack: number,
) {
  const problems: string[] = [];
  if (run.non2xx > 0) problems.push(`${run.non2xx} non-2xx`);
  if (run.errors > 0) problems.push(`${run.errors} errors/timeouts`);
  const guests = after.guests - before.guests;
  const users = after.users - before.users;
  const baUsers = after.betterAuthUsers - before.betterAuthUsers;
  // Requests in flight when autocannon stops still complete on the server: up to `slack` more.
  const near = (rows: number) => rows >= run.ok && rows <= run.ok + slack;
  if (expect === "one-guest-per-2xx" && !(near(guests) && users === guests))
    problems.push(`${run.ok} 2xx but ${guests} new guests / ${users} new users`);
  if (expect === "one-ba-user-per-2xx" && !near(baUsers))
    problems.push(`${run.ok} 2xx but ${baUsers} new Better Auth users`);
  const sessions = after.sessions - before.sessions;
  if (expect === "no-new-rows" && (guests !== 0 || users !== 0 || sessions !== 0 || baUsers !== 0))
    problems.push(
      `rows created: ${guests} guests, ${users} users, ${sessions} sessions, ${baUsers} Better Auth users`,
    );
  return problems;
}

/**
 * One measured run, checked: no non-2xx, no error, and the row counts (taken after a pause,
 * so requests still in flight from an earlier run have landed).
 */
export async function checkedRun(
  server: { readonly port: number; readonly pid: number },
  prepared: Prepared,
  db: Probe,
  load: LoadSettings,
): Promise<CheckedRun> {
  const { kind, url } = db.target;
  const database = kind === "sqlite" ? null : { kind, name: new URL(url).pathname.slice(1) };
  let best: CheckedRun | undefined;
  // A run disturbed by other processes (someone's build or test suite) is run again, twice at
  // most; the least disturbed one counts.
  for (let attempt = 0; attempt < 3; attempt++) {
    await sleep(300);
    const before = await db.census();
    const cpuBefore = cpuSnapshot(server.pid, database);
    const run = await cannon(server.port, prepared.spec, load.duration, load.connections);
    const cpu = perRequest(cpuBefore, cpuSnapshot(server.pid, database), run.requests);
    await sleep(300);
    const after = await db.census();
    const problems = checkRun(run, before, after, prepared.expect, load.connections);
    if (!best || cpu.others < best.cpu.others) best = { rps: run.rps, cpu, problems };
    if (cpu.others <= NOISE) break;
  }
  return best as CheckedRun;
}

/** Other processes' CPU share above which a run is disturbed (and run again). */
export const NOISE = 0.15;

interface CheckedRun {
  readonly rps: number;
  readonly cpu: CpuPerRequest;
  readonly problems: readonly string[];
}

/** Collects the runs of one server and scenario into a {@link Measured}. */
export class Tally {
  readonly #rates: number[] = [];
  readonly #cpu: CpuPerRequest[] = [];
  readonly #problems = new Set<string>();

  add(run: CheckedRun) {
    this.#rates.push(run.rps);
    this.#cpu.push(run.cpu);
    for (const problem of run.problems) this.#problems.add(`run ${this.#rates.length}: ${problem}`);
  }

  result(): Measured {
    const mean = (pick: (cpu: CpuPerRequest) => number) =>
      this.#cpu.reduce((sum, cpu) => sum + pick(cpu), 0) / Math.max(this.#cpu.length, 1);
    return {
      rps: median(this.#rates),
      runs: [...this.#rates],
      cpu: {
        server: mean((c) => c.server),
        database: mean((c) => c.database),
        load: mean((c) => c.load),
        others: Math.max(0, ...this.#cpu.map((c) => c.others)),
      },
      problems: [...this.#problems],
    };
  }
}
