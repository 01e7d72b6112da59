/**
 * The demo's entry point (`npm start`): a notes app where visitors start at once as guests.
 *
 * Environment: `PORT` (default 3000; 0 picks a free one), `DATABASE_URL` (default the SQLite
 * file `guest-user-demo.sqlite3` in the working directory), `GUEST_USER_SECRET` (default a
 * random one for this run).
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDemo } from "./app.ts";

const SHUTDOWN_TIMEOUT_MS = 10_000;

function portFromEnv(): number {
  const raw = process.env.PORT ?? "3000";
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    console.error(`PORT must be a port number (0-65535), got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return port;
}

const port = portFromEnv();
const database = process.env.DATABASE_URL || "sqlite:guest-user-demo.sqlite3";
let secret = process.env.GUEST_USER_SECRET;
if (!secret) {
  secret = randomBytes(32).toString("base64url");
  console.log(
    "GUEST_USER_SECRET is not set: using a random secret for this run (forms left open across a restart will ask to be reloaded).",
  );
}

const demo = await createDemo({ database, secret });
const server = createServer(demo.app);
server.on("error", (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === "EADDRINUSE"
      ? `Port ${port} is already in use: set PORT to another one (e.g. PORT=3001 npm start).`
      : `The server failed: ${error.message}`,
  );
  void demo.close().finally(() => process.exit(1));
});
server.listen(port, () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(`Database: ${database.replace(/\/\/[^@/]*@/, "//***@")}`);
  console.log(`guest-user demo running at http://localhost:${actual}/ (Ctrl+C to stop)`);
});

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    console.log(`${signal} again: exiting now.`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: finishing open requests, then stopping...`);
  const timer = setTimeout(() => {
    console.error(`Still busy after ${SHUTDOWN_TIMEOUT_MS / 1000} s: exiting anyway.`);
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections(); // keep-alive sockets with no request in flight
  await closed;
  await demo.close();
  clearTimeout(timer);
  console.log("Stopped.");
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    shutdown(signal).catch((error: unknown) => {
      console.error("Shutdown failed:", error);
      process.exit(1);
    });
  });
}
