import Database from "better-sqlite3";
import { CompiledQuery } from "kysely";
import { createGuestUsers } from "../src/index.ts";
import { readRows } from "../src/store/direct-reads.ts";
const gu = createGuestUsers({ database: "sqlite:/tmp/dbg.sqlite3", secret: "x".repeat(40), logger: { warn() {}, error() {} } });
await gu.migrate();
const { session } = await gu.createGuestSession();
const id = session.token.split(".")[0]!;
const raw = new Database("/tmp/dbg.sqlite3");
let text = "";
const orig = (gu.db as any).executeQuery;
// capture the lookup text via a kysely-path call
const { sessionQueries } = await import("../src/store/session-store.ts");
async function t(label: string, n: number, f: () => unknown) {
  for (let i = 0; i < 5000; i++) await f();
  const s = performance.now();
  for (let i = 0; i < n; i++) await f();
  console.log(label, ((performance.now() - s) * 1000 / n).toFixed(2), "us");
}
const cap: any[] = [];
const { Kysely } = await import("kysely");
await gu.validateSession(session.token);
// get text by compiling through the store on gu.db
const q = sessionQueries(gu.settings.tables);
const orig2 = gu.db.executeQuery.bind(gu.db);
for (let r = 0; r < 3; r++) {
await t("validateSession", 50000, () => gu.validateSession(session.token));
await t("store lookup (direct)", 50000, () => q.lookup(gu.db, id));
}
await gu.close();
