import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createGuestUsers, type GuestUsers } from "../../src/index.ts";
import type { DatabaseKind } from "./args.ts";

const POSTGRES_ADMIN = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MYSQL_ADMIN = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** Where a server finds its data: a SQLite file path, a PostgreSQL or a MariaDB URL. */
export interface DatabaseTarget {
  readonly kind: DatabaseKind;
  /** `sqlite:<path>`, `postgres://...` or `mysql://...`: what createGuestUsers() takes. */
  readonly url: string;
  /** The SQLite file (for better-sqlite3), or the server's URL (for a pg or mysql2 pool). */
  readonly location: string;
}

/** The URL of database `name` on the server of the admin URL `admin`. */
function withDatabase(admin: string, name: string): string {
  const parsed = new URL(admin);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Runs one statement on a server's admin connection (PostgreSQL or MariaDB). */
async function adminQuery(kind: "postgres" | "mariadb", query: string): Promise<void> {
  if (kind === "mariadb") {
    const mysql = await import("mysql2/promise");
    const client = await mysql.createConnection(MYSQL_ADMIN);
    await client.query(query).finally(() => client.end());
    return;
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN });
  await client.connect();
  await client.query(query).finally(() => client.end());
}

export interface IsolatedDatabase extends DatabaseTarget {
  drop(): Promise<void>;
}

/** A fresh database nothing else uses: a temp-dir SQLite file, or `gu_bench_<random>` on a server. */
export async function isolatedDatabase(kind: DatabaseKind): Promise<IsolatedDatabase> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "guest-user-http-bench-"));
    const file = join(dir, "bench.sqlite3");
    const drop = async () => rmSync(dir, { recursive: true, force: true });
    return { kind, url: `sqlite:${file}`, location: file, drop };
  }
  const name = `gu_bench_${randomBytes(6).toString("hex")}`;
  await adminQuery(kind, `create database ${name}`);
  const url = withDatabase(kind === "mariadb" ? MYSQL_ADMIN : POSTGRES_ADMIN, name);
  const force = kind === "postgres" ? " with (force)" : "";
  return {
    kind,
    url,
    location: url,
    drop: () => adminQuery(kind, `drop database if exists ${name}${force}`),
  };
}

/** Row counts the bench checks after each scenario. */
export interface Census {
  readonly guests: number;
  readonly users: number;
  /** Our sessions (first-visit-lazy checks that no GET writes one). */
  readonly sessions: number;
  /** Better Auth's `user` table (0 before its migrations ran). */
  readonly betterAuthUsers: number;
}

/**
 * The bench's own connection to a database: migrates our tables, seeds the registered user,
 * and counts rows (never on the server's event loop).
 */
export async function openProbe(target: DatabaseTarget) {
  const guestUsers: GuestUsers = createGuestUsers({
    database: target.url,
    secret: "bench-secret-bench-secret-bench-secret!",
    logger: { warn() {}, error() {} },
  });
  await guestUsers.migrate();
  const { db, settings } = guestUsers;
  const count = async (table: string) => {
    try {
      const { rows } = await sql<{
        n: unknown;
      }>`select count(*) as n from ${sql.table(table)}`.execute(db);
      return Number(rows[0]?.n ?? 0);
    } catch {
      return 0; // the table does not exist (yet)
    }
  };
  const { kind, url, location } = target;
  return {
    guestUsers,
    /** The database, as servers are told about it. */
    target: { kind, url, location } as DatabaseTarget,
    async census(): Promise<Census> {
      return {
        guests: await count(settings.tables.guests),
        users: await count(settings.tables.users.table),
        sessions: await count(settings.tables.sessions),
        betterAuthUsers: await count("user"),
      };
    },
    /** A guest (createGuestSession): the Cookie header to send. */
    async guestCookie(): Promise<string> {
      const { session } = await guestUsers.createGuestSession();
      return `${settings.cookie.name}=${session.token}`;
    },
    /** A registered user (createUser) and a session for it: the Cookie header to send. */
    async registeredCookie(): Promise<string> {
      const password = `Pw-${randomBytes(9).toString("base64url")}`;
      const user = await guestUsers.createUser({
        username: `member_${randomBytes(4).toString("hex")}`,
        password1: password,
        password2: password,
      });
      const session = await guestUsers.createSession(user.id);
      return `${settings.cookie.name}=${session.token}`;
    },
    close: () => guestUsers.close(),
  };
}

export type Probe = Awaited<ReturnType<typeof openProbe>>;
