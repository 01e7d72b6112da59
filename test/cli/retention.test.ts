import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import { notesTable } from "../support/app-tables.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { cli, statsJson, writeConfig } from "./support.ts";

// `retention` (with `keepIf` a function) set in a config file: `stats` shows the kept guests
// beside the expired ones, `delete-expired` keeps them, `--max-age` replaces `maxAge` only.

const DAY = 86_400;
let prefixes = 0;
const freshPrefix = () => `rc${++prefixes}_`;

describeEachDatabase("cli: the retention rule in a config file", (fx) => {
  const root = mkdtempSync(join(tmpdir(), "guest-user-retention-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // The config lives outside the repository: it imports kysely's ESM build (the one the
  // library runs on here) by its path.
  const kyselyCjs = createRequire(import.meta.url).resolve("kysely");
  const kysely = pathToFileURL(join(dirname(kyselyCjs), "..", "esm", "index.js")).href;

  it("stats shows kept beside expired; delete-expired and --max-age honour the rule", async () => {
    const tablePrefix = freshPrefix();
    const database = fx.database().url;
    const ago = (seconds: number) => () => Date.now() - seconds * 1000;
    const old = await fx.open({ tablePrefix, clock: ago(2 * DAY) });
    const recent = await fx.open({ tablePrefix, clock: ago(2 * 3600) });
    const notes = await notesTable(old, fx.dialect, tablePrefix);
    const withNotes = await old.createGuestUser();
    const without = await old.createGuestUser();
    const young = await recent.createGuestUser();
    await notes.add(withNotes.id, "cli");
    const cwd = join(root, tablePrefix);
    mkdirSync(cwd);
    writeConfig(cwd, "retention.mjs", {
      source: `import { sql } from ${JSON.stringify(kysely)};
export default {
database: ${JSON.stringify(database)},
tablePrefix: ${JSON.stringify(tablePrefix)},
retention: {
  maxAge: ${DAY},
  keepIf: (userId) => sql\`exists (select 1 from ${tablePrefix}notes where user_id = \${userId})\`,
  maxAgeIfKept: ${10 * DAY},
},
};
`,
    });
    const config = ["--config", "./retention.mjs"];
    expect(await cli(["stats", ...config, "--json"], { cwd })).toEqual({
      code: 0,
      stdout: statsJson(3, 1, 1),
      stderr: "",
    });
    const text = await cli(["stats", ...config], { cwd });
    expect(text.stdout).toMatch(
      /^Guests: 3\nExpired: 1\nKept: 1 \(matching retention\.keepIf\)\n\nFunnel, /,
    );
    // --max-age replaces the config's retention.maxAge only: the young guest is expired
    // now, the one with notes is still kept.
    expect(
      (await cli(["stats", ...config, "--json", "--max-age", "3600"], { cwd })).stdout,
    ).toEqual(statsJson(3, 2, 1));
    expect(await cli(["delete-expired", ...config, "--dry-run"], { cwd })).toMatchObject({
      code: 0,
      stdout: "Dry run: 1 expired guest would be deleted. 1 guest matches retention.keepIf.\n",
    });
    const run = await cli(["delete-expired", ...config], { cwd });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(
      /^Deleted 1 expired guest \(and \d+ expired sessions?\)\. 1 guest matches retention\.keepIf\.\n$/,
    );
    expect(await old.getUser(without)).toBeNull();
    expect(await old.getUser(withNotes)).toMatchObject({ isGuest: true });
    expect(await old.getUser(young)).toMatchObject({ isGuest: true });
    expect(await notes.of(withNotes.id)).toEqual(["cli"]);
  });
});
