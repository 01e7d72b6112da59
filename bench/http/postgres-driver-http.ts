/**
 * The driver comparison over HTTP (what users see): four Hono servers, each in a child process
 * (`postgres-driver-server.ts`): floor (a) and guest-user, on pg and on postgres.js, hammered
 * by autocannon in this process with a returning guest's cookie; warm-up, then interleaved
 * runs (run 1 of each server, then run 2...).
 */
import { fileURLToPath } from "node:url";
import { BROWSER } from "./browser.ts";
import { cpuSnapshot, perRequest } from "./cpu.ts";
import { cannon, forkServer, type Launched, median, type RequestSpec } from "./load.ts";
import type { DriverServerConfig } from "./postgres-driver-server.ts";
import { COMBINATIONS, type DriverLayer, type PostgresDriverName } from "./postgres-drivers.ts";

/** How the HTTP runs go. */
export interface HttpRunSettings {
  readonly runs: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
}

/** One server's result: medians over the measured runs. */
export interface HttpMeasurement {
  readonly driver: PostgresDriverName;
  readonly layer: DriverLayer;
  readonly rps: number;
  /** Every run's req/s, in run order. */
  readonly runs: readonly number[];
  readonly serverUs: number;
  readonly postgresUs: number;
  /** Share of one CPU used by the rest of the machine (noise). */
  readonly others: number;
}

const ENTRY = fileURLToPath(new URL("./postgres-driver-server.ts", import.meta.url));

/** A driver server: the config's JSON in BENCH_PG_DRIVER (postgres-driver-server.ts). */
const start = (config: DriverServerConfig) =>
  forkServer(ENTRY, [], { BENCH_PG_DRIVER: JSON.stringify(config) });

/** One request first: the page must answer 200 with the guest's user. */
async function check(port: number, spec: RequestSpec, label: string) {
  const response = await fetch(`http://127.0.0.1:${port}${spec.path}`, { headers: spec.headers });
  const body = (await response.json()) as { user?: { isGuest?: unknown } | null };
  if (response.status !== 200 || body.user?.isGuest !== true)
    throw new Error(`${label}: GET /page answered ${response.status} ${JSON.stringify(body)}`);
}

/**
 * Measures the four servers on the database `url` (`database`: its name, for PostgreSQL's CPU)
 * with `cookie` (a returning guest's Cookie header).
 */
export async function measureHttp(
  url: string,
  database: string,
  cookie: string,
  settings: HttpRunSettings,
): Promise<HttpMeasurement[]> {
  const spec: RequestSpec = {
    method: "GET",
    path: "/page",
    headers: { cookie, ...BROWSER },
  };
  const children: Launched[] = [];
  try {
    for (const combination of COMBINATIONS) children.push(await start({ url, ...combination }));
    const samples = COMBINATIONS.map(() => ({
      rps: [] as number[],
      server: [] as number[],
      others: [] as number[],
      pg: [] as number[],
    }));
    for (const [i, child] of children.entries()) {
      const { driver, layer } = COMBINATIONS[i] as (typeof COMBINATIONS)[number];
      await check(child.port, spec, `${layer} on ${driver}`);
      await cannon(child.port, spec, settings.warmupSeconds, settings.connections);
    }
    for (let run = 0; run < settings.runs; run++) {
      for (const [i, child] of children.entries()) {
        const before = cpuSnapshot(child.pid, { kind: "postgres", name: database });
        const result = await cannon(child.port, spec, settings.seconds, settings.connections);
        const cpu = perRequest(
          before,
          cpuSnapshot(child.pid, { kind: "postgres", name: database }),
          result.requests,
        );
        if (result.non2xx > 0 || result.errors > 0)
          throw new Error(
            `run ${run + 1}: ${result.non2xx} non-2xx answers, ${result.errors} errors`,
          );
        const sample = samples[i] as (typeof samples)[number];
        sample.rps.push(result.rps);
        sample.server.push(cpu.server);
        sample.pg.push(cpu.database);
        sample.others.push(cpu.others);
      }
    }
    return COMBINATIONS.map(({ driver, layer }, i) => {
      const sample = samples[i] as (typeof samples)[number];
      return {
        driver,
        layer,
        rps: median(sample.rps),
        runs: sample.rps,
        serverUs: median(sample.server),
        postgresUs: median(sample.pg),
        others: median(sample.others),
      };
    });
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}
