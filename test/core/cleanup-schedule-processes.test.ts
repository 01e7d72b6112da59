import { type ChildProcessByStdio, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { tryAcquireLease } from "../../src/store/dialects/sqlite-lease.ts";
import { leasesTable } from "../../src/store/locks.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const CHILD = fileURLToPath(new URL("../support/cleanup-schedule-child.ts", import.meta.url));
const DAY = 86_400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Child = ChildProcessByStdio<Writable, Readable, null>;

/** A server process (test/support/cleanup-schedule-child.ts) and its output lines. */
function startChild(env: Record<string, string>) {
  const child: Child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    child,
    exited,
    lines,
    /** Waits for the n-th line (1-based) of output. */
    async line(n: number): Promise<string> {
      while (lines.length < n) {
        const more = new Promise<void>((resolve) => waiters.push(resolve));
        const ended = await Promise.race([more.then(() => false), exited.then(() => true)]);
        if (ended && lines.length < n)
          throw new Error(`the child exited after ${lines.length} lines`);
      }
      return lines[n - 1] as string;
    },
  };
}

describeEachDatabase("the clean-up lock across processes", (fx) => {
  let prefixes = 0;

  it("two processes ticking at the same moment: exactly one cleans up", async () => {
    const clock = testClock();
    const tablePrefix = `cp${++prefixes}_`;
    const gu = await fx.open({ tablePrefix, clock: clock.now, maxAge: DAY });
    await Promise.all(Array.from({ length: 8 }, () => gu.createGuestUser()));
    const env = {
      GU_DATABASE: fx.database().url,
      GU_PREFIX: tablePrefix,
      GU_NOW: String(clock.now() + 2 * DAY * 1000),
      GU_MODE: "tick",
      GU_HOLD_MS: "800",
    };
    const servers = [startChild(env), startChild(env)];
    for (const server of servers) expect(await server.line(1)).toBe("ready");
    for (const server of servers) server.child.stdin.write("go\n");
    const ticks = await Promise.all(
      servers.map(async (server) => JSON.parse(await server.line(2))),
    );
    expect(await Promise.all(servers.map((server) => server.exited))).toEqual([0, 0]);
    const ran = ticks.filter((tick) => tick.outcome === "ran");
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ result: { deleted: 8, expired: 8 } });
    expect(ticks.filter((tick) => tick.outcome !== "ran")).toEqual([
      { outcome: "skipped", reason: "locked" },
    ]);
    expect(await gu.stats()).toMatchObject({ guests: 0 });
  }, 60_000);

  if (fx.dialect === "sqlite")
    it("SQLite: a process killed while holding the lease blocks the others only until it lapses", async () => {
      const tablePrefix = `cp${++prefixes}_`;
      const gu = await fx.open({ tablePrefix });
      const holder = startChild({
        GU_DATABASE: fx.database().url,
        GU_PREFIX: tablePrefix,
        GU_NOW: String(Date.now()),
        GU_MODE: "hold",
        GU_LEASE_MS: "1500",
      });
      expect(await holder.line(1)).toBe("held");
      const killedAt = Date.now();
      holder.child.kill("SIGKILL");
      await holder.exited;
      const lease = { table: leasesTable(gu.settings.tables), name: "cleanup", leaseMs: 60_000 };
      expect(await tryAcquireLease(gu.db, lease, "survivor")).toBe(false);
      while (!(await tryAcquireLease(gu.db, lease, "survivor"))) {
        expect(Date.now() - killedAt).toBeLessThan(5_000);
        await sleep(50);
      }
      // It lapsed no sooner than a renewal's worth before the lease's end (renewed every 500 ms).
      expect(Date.now() - killedAt).toBeGreaterThan(900);
    }, 60_000);
});
