/**
 * The package as `npm publish` would ship it (`npm pack` of the built dist/): linted by publint
 * and Are The Types Wrong for every subpath, then installed into an empty consumer with only
 * `pg` beside it (no better-sqlite3, no mysql2, no framework), where a strict TypeScript app
 * type-checks and runs against PostgreSQL: a guest made through `fetchHandler`, converted, the
 * same id. What a user gets, not what the repository has.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { npm, packedTarball, ROOT, outcome as runIn } from "../../scripts/packed.ts";
import {
  availableDialects,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";

/** Runs a command (in the repository unless told); its exit code and output, never a throw. */
const outcome = (file: string, args: readonly string[], cwd = ROOT) => runIn(file, args, cwd);
const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
/** The subpaths of package.json `exports` (what attw checks, one by one). */
const SUBPATHS = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: object }).exports,
);

/** The consumer's app: the README's promises, typed as strictly as TypeScript allows. */
const APP = `
import { allowGuestUser, createGuestUserHttp, createGuestUsers, fetchHandler } from "guest-user";

const guestUsers = createGuestUsers({
  database: process.env.DATABASE_URL,
  secret: process.env.GUEST_USER_SECRET,
});
await guestUsers.migrate();
const http = createGuestUserHttp(guestUsers);
const handle = fetchHandler(http, [allowGuestUser()], async (_request, { state }) =>
  Response.json({ id: state.user?.id ?? null, guest: state.user?.isGuest ?? null }),
);
const response = await handle(
  new Request("http://localhost:3000/", {
    headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36" },
  }),
);
const body = (await response.json()) as { id: string | number | null; guest: boolean | null };
if (body.id === null) throw new Error("no guest was made");
const guest = await guestUsers.getUser(body.id);
if (!guest) throw new Error("the guest is not stored");
const converted = await guestUsers.convert(guest, {
  username: "ada_lovelace",
  password1: "analytical-engine-1843",
  password2: "analytical-engine-1843",
});
console.log(JSON.stringify({ ...body, convertedId: converted.id, nowGuest: await guestUsers.isGuestUser(converted) }));
await guestUsers.close();
`;

/** The tarball, packed once for this file. */
let packed: Promise<string> | undefined;
const theTarball = () => {
  packed ??= packedTarball();
  return packed;
};

describe("the packed tarball", () => {
  it("passes publint (strict: warnings fail too)", async () => {
    const { code, output } = await outcome(bin("publint"), ["run", await theTarball(), "--strict"]);
    expect(output).toContain("All good!");
    expect(code, output).toBe(0);
  }, 120_000);

  it("passes Are The Types Wrong for every subpath (ESM only: node16 from ESM and bundlers)", async () => {
    const { code, output } = await outcome(bin("attw"), [
      await theTarball(),
      "--profile",
      "esm-only",
      "--format",
      "ascii",
    ]);
    for (const subpath of SUBPATHS) {
      if (subpath === ".") continue;
      expect(output, `attw did not check ${subpath}`).toContain(`"guest-user/${subpath.slice(2)}"`);
    }
    expect(code, output).toBe(0);
  }, 300_000);

  const postgres = availableDialects().includes("postgres");
  describe.skipIf(!postgres)("installed into an empty app with only pg", () => {
    let dir: string;
    let database: IsolatedDatabase;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "guest-user-consumer-"));
      writeFileSync(
        join(dir, "package.json"),
        JSON.stringify({ name: "consumer", private: true, type: "module" }),
      );
      const tarball = await theTarball();
      await npm(["install", "--no-audit", "--no-fund", tarball, "pg@8", "@types/node@20"], dir);
      database = await isolatedDatabase("postgres");
    }, 600_000);
    afterAll(async () => {
      await database?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("has no other database driver or framework installed", async () => {
      const { output } = await outcome("npm", ["ls", "--all", "--parseable"], dir);
      for (const absent of [
        "better-sqlite3",
        "mysql2",
        "express",
        "hono",
        "fastify",
        "next",
        "@sveltejs/kit",
        "nuxt",
        "h3",
      ]) {
        expect(output).not.toMatch(new RegExp(`node_modules/${absent}$`, "m"));
      }
    }, 60_000);

    it("type-checks a strict app (exactOptionalPropertyTypes) against the shipped types", async () => {
      writeFileSync(join(dir, "app.ts"), APP);
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            noEmit: true,
            target: "es2022",
            lib: ["es2023", "dom"],
            module: "nodenext",
            moduleResolution: "nodenext",
            types: ["node"],
            skipLibCheck: true,
          },
          files: ["app.ts"],
        }),
      );
      const { code, output } = await outcome(
        process.execPath,
        [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir],
        dir,
      );
      expect(output).toBe("");
      expect(code).toBe(0);
    }, 120_000);

    it("runs: every subpath imports, and a guest made over fetchHandler converts with its id", async () => {
      // guest-user/redis is for apps that installed its peers (ioredis, rate-limiter-flexible);
      // guest-user/nuxt/app is Nuxt's to build (it imports `#imports`, which only a Nuxt
      // build resolves: the examples/nuxt browser test runs it).
      const notPlainNode = ["./package.json", "./redis", "./nuxt/app"];
      const imports = SUBPATHS.filter((subpath) => !notPlainNode.includes(subpath))
        .map((subpath) => `await import("guest-user${subpath.slice(1)}");`)
        .join("\n");
      writeFileSync(join(dir, "imports.mjs"), `${imports}\nconsole.log("imported");\n`);
      const imported = await outcome(process.execPath, ["imports.mjs"], dir);
      expect(imported.output.trim()).toBe("imported");

      // Node 20 runs the app once TypeScript's types are stripped: tsc emits it as is.
      const emitted = await outcome(
        process.execPath,
        [
          join(ROOT, "node_modules/typescript/bin/tsc"),
          "-p",
          dir,
          "--noEmit",
          "false",
          "--outDir",
          join(dir, "out"),
        ],
        dir,
      );
      expect(emitted.output).toBe("");
      const ran = await runIn(process.execPath, [join(dir, "out", "app.js")], dir, {
        ...process.env,
        DATABASE_URL: database.url,
        GUEST_USER_SECRET: "consumer-test-secret-0123456789-abcdefghijkl",
      });
      expect(ran.code, ran.output).toBe(0);
      const result = JSON.parse(ran.stdout.trim()) as Record<string, unknown>;
      expect(result.guest).toBe(true);
      expect(result.convertedId).toBe(result.id);
      expect(result.nowGuest).toBe(false);
    }, 120_000);
  });
});
