import type { TestProject } from "vitest/node";
import { type DialectName, SERVER_URLS, START_COMMANDS } from "./databases.ts";

async function reachable(dialect: "postgres" | "mysql"): Promise<string | null> {
  try {
    if (dialect === "postgres") {
      const { default: pg } = await import("pg");
      const client = new pg.Client({
        connectionString: SERVER_URLS.postgres,
        connectionTimeoutMillis: 3000,
      });
      await client.connect();
      await client.end();
    } else {
      const mysql = await import("mysql2/promise");
      const client = await mysql.createConnection({ uri: SERVER_URLS.mysql, connectTimeout: 3000 });
      await client.end();
    }
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || String(error) : String(error);
  }
}

const LABELS = { postgres: "PostgreSQL", mysql: "MariaDB/MySQL" } as const;

/**
 * Finds which database servers answer. In CI (CI=true) a missing one fails the run; outside
 * CI its tests are skipped, with one line saying which and how to start it.
 */
export default async function setup(project: TestProject) {
  const databases: DialectName[] = ["sqlite"];
  for (const dialect of ["postgres", "mysql"] as const) {
    const problem = await reachable(dialect);
    if (problem === null) {
      databases.push(dialect);
      continue;
    }
    const line = `${LABELS[dialect]} is not reachable at ${SERVER_URLS[dialect]} (${problem}). Start it with: ${START_COMMANDS[dialect]}`;
    if (process.env.CI) throw new Error(`${line}\nCI needs every database: failing the run.`);
    console.warn(`\n[guest-user tests] SKIPPING ${LABELS[dialect]} tests: ${line}\n`);
  }
  project.provide("databases", databases);
}
