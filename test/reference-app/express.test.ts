/**
 * The reference app on Express (GUEST_USER_NAME_GENERATOR=uuid), as a real process over real
 * HTTP: the full matrix of suite.ts, on SQLite and PostgreSQL.
 */
import { describeReferenceApp } from "./suite.ts";

describeReferenceApp("express", "uuid");
