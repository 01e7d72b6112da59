import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/guest-users.ts";
import { APPLIED_ALL, cli, seed, statsJson, statsText } from "./support.ts";

const SIXTY_DAYS = String(60 * 86_400);

describeEachDatabase("cli commands", (fx) => {
  const db = () => ["--database", fx.database().url];

  it("refuses stats and delete-expired before migrate, then migrates a fresh database", async () => {
    const tables = ["--table-prefix", "fresh_"];
    for (const command of ["stats", "delete-expired"]) {
      const refused = await cli([command, ...db(), ...tables]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toMatch(
        /^error \[SCHEMA_MISSING\]: .*run `guest-user migrate` first\n$/,
      );
    }

    expect(await cli(["migrate", ...db(), ...tables])).toEqual({
      code: 0,
      stdout: APPLIED_ALL,
      stderr: "",
    });
    expect((await cli(["migrate", ...db(), ...tables])).stdout).toBe("Schema is up to date\n");
    expect(await cli(["stats", ...db(), ...tables])).toEqual({
      code: 0,
      stdout: statsText(0, 0),
      stderr: "",
    });

    // The database exists now, but not these tables: the driver's "missing table" error is mapped.
    const other = await cli(["stats", ...db(), "--table-prefix", "unmigrated_"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/unmigrated_guests.*run `guest-user migrate` first\n$/);
    expect(other.stderr).not.toMatch(/\n./);
  });

  it("stats counts guests (not registered users) and takes --max-age", async () => {
    await seed(fx, "counts_");
    const args = [...db(), "--table-prefix", "counts_"];
    expect(await cli(["stats", ...args, "--json"])).toEqual({
      code: 0,
      stdout: statsJson(5, 3),
      stderr: "",
    });
    expect((await cli(["stats", ...args])).stdout).toEqual(statsText(5, 3));
    expect((await cli(["stats", ...args, "--json", "--max-age", "3600"])).stdout).toEqual(
      statsJson(5, 5),
    );
    expect((await cli(["stats", ...args, "--json", "--max-age", SIXTY_DAYS])).stdout).toEqual(
      statsJson(5, 0),
    );
  });

  it("delete-expired --dry-run deletes nothing", async () => {
    await seed(fx, "dry_");
    const args = [...db(), "--table-prefix", "dry_"];
    expect(await cli(["delete-expired", ...args, "--dry-run"])).toEqual({
      code: 0,
      stdout: "Dry run: 3 expired guests would be deleted.\n",
      stderr: "",
    });
    expect((await cli(["stats", ...args, "--json"])).stdout).toEqual(statsJson(5, 3));
  });

  it("delete-expired deletes exactly the expired guests, in batches of --batch-size", async () => {
    const { expired, fresh, registered, guestUsers } = await seed(fx, "del_");
    const args = [...db(), "--table-prefix", "del_"];
    expect(await cli(["delete-expired", ...args, "--batch-size", "2"])).toEqual({
      code: 0,
      stdout: "Deleted 3 expired guests (and 1 expired session).\n",
      stderr: "",
    });
    for (const user of expired) expect(await guestUsers.getUser(user)).toBeNull();
    for (const user of fresh) {
      expect(await guestUsers.getUser(user)).toMatchObject({ id: user.id, isGuest: true });
    }
    expect(await guestUsers.getUser(registered)).toMatchObject({
      username: "ada_lovelace",
      isGuest: false,
    });
    expect((await cli(["stats", ...args, "--json"])).stdout).toEqual(statsJson(2, 0));
    expect((await cli(["delete-expired", ...args])).stdout).toBe(
      "Deleted 0 expired guests (and 0 expired sessions).\n",
    );
  });

  it("delete-expired --max-age overrides the configured age", async () => {
    const { registered, guestUsers } = await seed(fx, "age_");
    const args = [...db(), "--table-prefix", "age_"];
    expect((await cli(["delete-expired", ...args, "--max-age", SIXTY_DAYS])).stdout).toBe(
      "Deleted 0 expired guests (and 1 expired session).\n",
    );
    expect((await cli(["delete-expired", ...args, "--max-age", "3600"])).stdout).toBe(
      "Deleted 5 expired guests (and 0 expired sessions).\n",
    );
    expect(await guestUsers.getUser(registered)).toMatchObject({ isGuest: false });
    expect((await cli(["stats", ...args, "--json"])).stdout).toEqual(statsJson(0, 0));
  });

  it("uses DATABASE_URL when --database is absent, and --database before it", async () => {
    await seed(fx, "env_");
    const tables = ["--table-prefix", "env_"];
    const fromEnv = await cli(["stats", "--json", ...tables], {
      env: { DATABASE_URL: fx.database().url },
    });
    expect(fromEnv).toEqual({ code: 0, stdout: statsJson(5, 3), stderr: "" });
    const flagWins = await cli(["stats", "--json", ...tables, ...db()], {
      env: { DATABASE_URL: "postgres://127.0.0.1:1/nowhere" },
    });
    expect(flagWins.stdout).toEqual(statsJson(5, 3));
  });

  it("draws a progress bar on a terminal's stderr and clears it", async () => {
    await seed(fx, "tty_");
    const result = await cli(
      ["delete-expired", ...db(), "--table-prefix", "tty_", "--batch-size", "1"],
      { ttyStderr: true },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Deleted 3 expired guests (and 1 expired session).\n");
    expect(result.stderr).toMatch(/^\r\[#{10}\.{20}\] 1\/3 guests deleted/);
    expect(result.stderr).toContain("\r[##############################] 3/3 guests deleted");
    expect(result.stderr.endsWith("\r\x1b[2K")).toBe(true);
  });
});
