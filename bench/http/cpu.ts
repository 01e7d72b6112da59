import { readdirSync, readFileSync } from "node:fs";

/** CPU milliseconds used so far by the server child, the database server (per process) and this process. */
export interface CpuSnapshot {
  readonly server: number;
  /** pid -> CPU ms of the database processes serving the bench database (see databaseCpu). */
  readonly database: ReadonlyMap<string, number>;
  readonly load: number;
  /** Busy ms of the whole machine (all CPUs), from /proc/stat. */
  readonly machine: number;
  /** performance.now() when taken. */
  readonly at: number;
}

/** CPU microseconds per completed request, per process group, over one run. */
export interface CpuPerRequest {
  readonly server: number;
  /** The database server's processes: PostgreSQL's backends and writers, or mariadbd. */
  readonly database: number;
  readonly load: number;
  /**
   * Share of one CPU (0.25 = 25 %) that everything else on the machine used during the run:
   * other users' builds and tests make a run slower, so it is reported.
   */
  readonly others: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process (all its threads), in ms; 0 when unreadable (not Linux, gone). */
function processCpu(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** PostgreSQL's shared helpers that work for every database (WAL flushes, checkpoints). */
const SHARED = /: (walwriter|checkpointer|background writer)\b/;

/**
 * CPU of the PostgreSQL processes working for `database`: its backends (their command line
 * names the database) and the cluster's WAL writer, checkpointer and background writer.
 * Per pid, so that a backend that exits during a run does not subtract from the total.
 */
function postgresCpu(database: string, pid: string, comm: string): boolean {
  if (comm !== "postgres") return false;
  const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  return command.includes(` ${database} `) || SHARED.test(command);
}

/** Which database server's CPU a run counts: PostgreSQL's processes for one database, or mariadbd. */
export interface DatabaseProcesses {
  readonly kind: "postgres" | "mariadb";
  /** The bench database's name (PostgreSQL names it in each backend's command line). */
  readonly name: string;
}

/**
 * CPU of the database server's processes working for `target`: PostgreSQL's backends of the
 * database and the cluster's WAL writer, checkpointer and background writer; MariaDB's one
 * mariadbd process (its threads serve every database: other databases are idle during a run).
 * Per pid, so that a backend that exits during a run does not subtract from the total.
 */
function databaseCpu(target: DatabaseProcesses): Map<string, number> {
  const found = new Map<string, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      const serves =
        target.kind === "postgres"
          ? postgresCpu(target.name, pid, comm)
          : comm === "mariadbd" || comm === "mysqld";
      if (serves) found.set(pid, processCpu(pid));
    } catch {}
  }
  return found;
}

function machineBusy(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] as string;
    const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) *
      TICK_MS
    );
  } catch {
    return 0;
  }
}

/** `database`: the database server's processes to count, or null (SQLite: in the server). */
export function cpuSnapshot(serverPid: number, database: DatabaseProcesses | null): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    server: processCpu(serverPid),
    database: database ? databaseCpu(database) : new Map(),
    load: (own.user + own.system) / 1000,
    machine: machineBusy(),
    at: performance.now(),
  };
}

export function perRequest(
  before: CpuSnapshot,
  after: CpuSnapshot,
  requests: number,
): CpuPerRequest {
  const us = (ms: number) => (requests > 0 ? (ms * 1000) / requests : 0);
  const machine = after.machine - before.machine;
  let database = 0;
  for (const [pid, ms] of after.database) database += ms - (before.database.get(pid) ?? 0);
  const ours = after.server - before.server + database + (after.load - before.load);
  return {
    server: us(after.server - before.server),
    database: us(database),
    load: us(after.load - before.load),
    others: Math.max(0, machine - ours) / Math.max(after.at - before.at, 1),
  };
}
