import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { expect, it } from "vitest";
import { createGuestUsers } from "../../src/index.ts";

it("the README's Prometheus set-up: a scrape shows the counters and the lookup histogram", async () => {
  // As documented, but served on a free port by our own server instead of the exporter's 9464.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const guestUsers = createGuestUsers({
    database: "sqlite::memory:",
    metrics: meterProvider.getMeter("guest-user"),
  });
  try {
    await guestUsers.migrate();
    const { user, session } = await guestUsers.createGuestSession();
    await guestUsers.createGuestUser();
    await guestUsers.validateSession(session.token);
    await guestUsers.deleteUser(user);
    const { port } = server.address() as AddressInfo;
    const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const lines = scrape.split("\n");
    const value = (series: string) =>
      Number(lines.find((line) => line.startsWith(`${series} `))?.split(" ")[1]);
    expect(value('guest_user_guests_created_total{otel_scope_name="guest-user"}')).toBe(2);
    expect(
      value('guest_user_users_deleted_total{by="self",kind="guest",otel_scope_name="guest-user"}'),
    ).toBe(1);
    expect(scrape).toContain("# TYPE guest_user_session_lookup_duration histogram");
    expect(
      value('guest_user_session_lookup_duration_count{result="hit",otel_scope_name="guest-user"}'),
    ).toBe(1);
  } finally {
    await guestUsers.close();
    await meterProvider.shutdown();
    await new Promise((done) => server.close(done));
  }
});
