/**
 * The warm-up that makes the floor trustworthy: on two scratch databases seeded alike, ours
 * runs one small clean-up while its driver calls are recorded (the floor's plan comes from
 * them), then the floor runs on the other with the same clock and the same "random" funnel
 * shard; every statement the floor sent (text, parameters, driver method) must equal ours',
 * minus ours' count. Throws otherwise.
 */
import { createGuestUsers, type DialectName, type GuestUsers } from "../../src/index.ts";
import { type Captured, capture } from "./capture.ts";
import { isolatedDatabase, keepIf, seed } from "./databases.ts";
import { prepareFloor } from "./floor.ts";
import { type FloorPlan, planOf } from "./plan.ts";

/** Guests of the warm-up: several batches of any default size, and a resumed one. */
const WARM_UP_GUESTS = 12_000;

const show = (c: Captured) =>
  `${c.via} ${c.sql.replace(/\s+/g, " ").slice(0, 140)} ${JSON.stringify(c.params.slice(0, 6))}${c.params.length > 6 ? ` +${c.params.length - 6}` : ""}`;

/** A scratch database, migrated and seeded like a measured one, with a fixed clock. */
async function scratch(dialect: DialectName, kept: number, now: number) {
  const database = await isolatedDatabase(dialect);
  const guestUsers: GuestUsers = createGuestUsers({
    database: database.url,
    clock: () => now,
    ...(kept > 0 ? { retention: { keepIf } } : {}),
  });
  const setup = await capture(dialect, () => guestUsers.migrate());
  await seed(guestUsers, WARM_UP_GUESTS, Math.min(kept, WARM_UP_GUESTS / 2), now);
  const done = async () => {
    await guestUsers.close();
    await database.drop();
  };
  return { database, guestUsers, setup, done };
}

/** Runs `action` with Math.random fixed (the funnel's shard), restoring it after. */
async function withFixedRandom<T>(action: () => Promise<T>): Promise<T> {
  const random = Math.random;
  Math.random = () => 0.5;
  try {
    return await action();
  } finally {
    Math.random = random;
  }
}

/**
 * The verified plan of `dialect` for clean-ups by `batchSize` (undefined: the default), and
 * the LIMIT of ours' first batch (the batch size on PostgreSQL and MySQL).
 */
export async function warmUp(
  dialect: DialectName,
  batchSize: number | undefined,
  kept: number,
): Promise<{ plan: FloorPlan; firstLimit: number }> {
  const now = Date.now();
  const ours = await scratch(dialect, kept, now);
  let log: Captured[];
  try {
    const options = batchSize === undefined ? {} : { batchSize };
    log = await withFixedRandom(() =>
      capture(dialect, () => ours.guestUsers.deleteExpired(options)),
    );
  } finally {
    await ours.done();
  }
  const plan = planOf(dialect, ours.setup, log);
  const expected = log.filter((c) => !plan.oursOnly.includes(c.sql));
  // The floor's LIMITs: ours' own, batch by batch (SQLite sizes its batches by time).
  const limits = log
    .filter((c) => c.sql === plan.first || c.sql === plan.resume)
    .map((c) =>
      Number(c.params[plan.dialect === "postgres" ? c.params.length - 3 : c.params.length - 1]),
    );
  const floorDb = await scratch(dialect, kept, now);
  let floorLog: Captured[];
  try {
    const cutoff = Number(expected.find((c) => c.sql === plan.first)?.params[0]);
    const floor = await prepareFloor(plan, {
      url: floorDb.database.url,
      clock: () => now,
      cutoff,
      limit: (i) => limits[i] ?? (limits.at(-1) as number),
    });
    floorLog = await withFixedRandom(() => capture(dialect, () => floor.cleanup()));
    await floor.close();
  } finally {
    await floorDb.done();
  }
  const length = Math.max(expected.length, floorLog.length);
  for (let i = 0; i < length; i++) {
    const [a, b] = [expected[i], floorLog[i]];
    const same =
      a &&
      b &&
      a.sql === b.sql &&
      a.via === b.via &&
      JSON.stringify(a.params) === JSON.stringify(b.params);
    if (!same)
      throw new Error(
        `${dialect}: the floor's statement ${i + 1} differs from ours:\n  ours:  ${a ? show(a) : "(none)"}\n  floor: ${b ? show(b) : "(none)"}`,
      );
  }
  console.log(
    `${dialect}: floor checked against ours on ${WARM_UP_GUESTS.toLocaleString("en-US")} guests:` +
      ` ${floorLog.length} statements, same texts, parameters and driver calls` +
      ` (ours also runs: ${plan.oursOnly.map((t) => t.replace(/\s+/g, " ").trim().slice(0, 60)).join("; ")})`,
  );
  return { plan, firstLimit: limits[0] as number };
}
