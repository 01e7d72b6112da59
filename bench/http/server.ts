/**
 * A server child: runs the app described by the BENCH_SERVER environment variable (JSON
 * {@link ServerConfig}), reports `{ type: "ready", port }` over IPC, and on "stop" closes and
 * exits normally (so `--cpu-prof` writes its profile). Started by `launch()` in `load.ts`.
 */
import { type ServerConfig, startApp } from "./apps.ts";

const send = (message: unknown) => process.send?.(message);

async function main() {
  const raw = process.env.BENCH_SERVER;
  if (!raw || !process.send) throw new Error("server.ts is started by bench/http/main.ts");
  const config = JSON.parse(raw) as ServerConfig;
  const app = await startApp(config);
  process.on("message", (message) => {
    if (message !== "stop") return;
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  // The parent dying must not leave an orphan holding a port or a database.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", port: app.port });
}

main().catch((error: unknown) => {
  send({ type: "error", message: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
});
