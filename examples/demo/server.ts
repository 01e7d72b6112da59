/**
 * The demo's entry point (`npm start`): a notes app where visitors start at once as guests.
 *
 * Environment: `PORT` (default 3000; 0 picks a free one), `DATABASE_URL` (default the SQLite
 * file `guest-user-demo.sqlite3` in the working directory), `GUEST_USER_SECRET` (default a
 * random one for this run), and, to show the operations pages:
 *
 * - `DEMO_ADMIN_USERS`: comma-separated usernames (e.g. `ada,grace`) that may open the guest
 *   admin at `/admin/guests/` (the guest list and the conversion funnel) once they have
 *   signed up with a password and logged in (an account made through "Sign in with ..." is
 *   never admitted by name), as may staff (`guest-user staff grant <username>`); their
 *   header shows an "Admin" link. Unset: no admin.
 * - `DEMO_OIDC_ISSUER`, `DEMO_OIDC_CLIENT_ID`, `DEMO_OIDC_CLIENT_SECRET` (all three, or none):
 *   an OpenID Connect provider for the "Sign in with ..." buttons (guest banner, login and
 *   convert pages); register `http://localhost:<PORT>/accounts/oauth/oidc/callback/` as its
 *   redirect URI. `DEMO_OIDC_LABEL` names it on the button (default "OpenID Connect").
 *   Needs openid-client (`npm i openid-client`), imported only when these are set.
 * - `DEMO_GUEST_NOTES_PER_DAY`: notes a guest may add per day (default 10; the `quotas`
 *   option): past it, the library's 429 page offers to sign up; accounts are unlimited.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDemo, type DemoOidcOptions } from "./app.ts";

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

/** `DEMO_ADMIN_USERS=ada,grace`: the usernames that may open the guest admin. */
function adminUsersFromEnv(): string[] {
  const raw = process.env.DEMO_ADMIN_USERS ?? "";
  return raw
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/** The OpenID Connect provider from `DEMO_OIDC_*`, or null when none is set. */
function oidcFromEnv(): DemoOidcOptions | null {
  const names = ["DEMO_OIDC_ISSUER", "DEMO_OIDC_CLIENT_ID", "DEMO_OIDC_CLIENT_SECRET"] as const;
  const [issuer, clientId, clientSecret] = names.map((name) => process.env[name] ?? "");
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length === names.length) return null;
  if (missing.length > 0 || !issuer || !clientId || !clientSecret) {
    console.error(
      `"Sign in with" needs all of ${names.join(", ")}: set ${missing.join(" and ")} too, or unset the others.`,
    );
    process.exit(1);
  }
  return { issuer, clientId, clientSecret, label: process.env.DEMO_OIDC_LABEL || undefined };
}

const adminUsers = adminUsersFromEnv();
const oidc = oidcFromEnv();
// Quotas (issue 20): DEMO_GUEST_NOTES_PER_DAY notes a day for a guest (default 10).
const guestNotesPerDay = Number(process.env.DEMO_GUEST_NOTES_PER_DAY || 10);
if (!Number.isInteger(guestNotesPerDay) || guestNotesPerDay < 1) {
  console.error("DEMO_GUEST_NOTES_PER_DAY must be a whole number of at least 1.");
  process.exit(1);
}
const options = { database, secret, adminUsers, oidc, guestNotesPerDay };
const demo = await createDemo(options).catch((error: unknown) => {
  console.error(`The demo could not start: ${(error as Error).message}`);
  process.exit(1);
});
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
  if (adminUsers.length > 0) {
    console.log(
      `Guest admin: http://localhost:${actual}/admin/guests/ for ${adminUsers.join(", ")}`,
    );
  }
  if (oidc) {
    console.log(
      `Sign in with ${oidc.label ?? "OpenID Connect"}: ${oidc.issuer} (redirect URI http://localhost:${actual}/accounts/oauth/oidc/callback/)`,
    );
  }
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
