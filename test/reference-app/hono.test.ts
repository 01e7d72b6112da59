/**
 * The reference app on Hono (GUEST_USER_NAME_GENERATOR=numbered), as a real process over real
 * HTTP: the full matrix of suite.ts, on SQLite and PostgreSQL, and the bodies of body-suite.ts.
 */
import { describeBodies } from "./body-suite.ts";
import { describeOwnedData } from "./owned-data-suite.ts";
import { describeSettings } from "./settings-suite.ts";
import { describeReferenceApp } from "./suite.ts";

describeReferenceApp("hono", "numbered");
describeSettings("hono");
describeBodies("hono");
describeOwnedData("hono");
