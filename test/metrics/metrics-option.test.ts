import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { metrics } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { createGuestUsers, GuestUserError } from "../../src/index.ts";
import { globalMeter } from "../../src/metrics/load.ts";
import { NO_METRICS } from "../../src/metrics/noop.ts";
import { testMeter } from "./meter.ts";

const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const FIXTURE = fileURLToPath(new URL("./fixtures/loaded-modules.ts", import.meta.url));
const VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string })
  .version;

/** Runs the fixture in a fresh Node process; what it printed. */
function runFixture(mode: "off" | "on"): Promise<{ enabled: boolean; loaded: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, FIXTURE, mode], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`fixture exited with ${code}: ${err}`));
    });
  });
}

const memory = (options: Parameters<typeof createGuestUsers>[0] = {}) =>
  createGuestUsers({ database: "sqlite::memory:", logger: { warn() {}, error() {} }, ...options });

describe("the metrics option", () => {
  afterEach(() => metrics.disable());

  it("is off by default: no-op hooks, and @opentelemetry/api is never loaded", async () => {
    const gu = memory();
    expect(gu.settings.metrics).toBe(NO_METRICS);
    expect(memory({ metrics: false }).settings.metrics).toBe(NO_METRICS);
    expect(await runFixture("off")).toEqual({ enabled: false, loaded: [] });
    // The same process with `metrics: true` does load it (so the check above can fail).
    const on = await runFixture("on");
    expect(on.enabled).toBe(true);
    expect(on.loaded.some((path) => path.includes("@opentelemetry/api"))).toBe(true);
  });

  it("true: records to the global MeterProvider, under the meter guest-user and our version", async () => {
    const otel = testMeter();
    // Registered through the ESM build, read by the library through the CommonJS one: the
    // global is shared, as it is in an app.
    metrics.setGlobalMeterProvider(otel.provider);
    const gu = memory({ metrics: true });
    await gu.migrate();
    await gu.createGuestUser();
    expect(await otel.count("guest_user.guests.created")).toBe(1);
    const { resourceMetrics } = await otel.collect();
    const scope = resourceMetrics.scopeMetrics.find((s) => s.metrics.length > 0)?.scope;
    expect(scope).toMatchObject({ name: "guest-user", version: VERSION });
    await gu.close();
    await otel.shutdown();
  });

  it("true without @opentelemetry/api installed: DRIVER_MISSING naming the install command", () => {
    const empty = mkdtempSync(join(tmpdir(), "guest-user-no-otel-"));
    try {
      // Node's real resolver, from a folder where the package cannot be found.
      const load = createRequire(join(empty, "index.js"));
      let error: unknown;
      try {
        globalMeter(load);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(GuestUserError);
      expect(error).toMatchObject({ code: "DRIVER_MISSING" });
      expect((error as Error).message).toContain("npm i @opentelemetry/api");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("refuses anything but true, false or a Meter, at start-up", () => {
    for (const bad of ["yes", 1, null, {}, { createCounter() {} }]) {
      expect(() => memory({ metrics: bad as never })).toThrow(
        expect.objectContaining({ code: "INVALID_CONFIG", option: "metrics" }),
      );
    }
  });

  it("a Meter given is used as it is, each instrument described with its unit", async () => {
    const otel = testMeter();
    const gu = memory({ metrics: otel.meter });
    expect(gu.settings.metrics.enabled).toBe(true);
    await gu.migrate();
    const guest = await gu.createGuestUser();
    await gu.deleteUser(guest);
    const created = await otel.metric("guest_user.guests.created");
    expect(created?.descriptor).toMatchObject({ unit: "{guest}" });
    const deleted = await otel.metric("guest_user.users.deleted");
    expect(deleted?.descriptor).toMatchObject({ unit: "{user}" });
    await gu.close();
    await otel.shutdown();
  });
});
