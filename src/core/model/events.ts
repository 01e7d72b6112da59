import { GuestUserError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import type { Db } from "../../store/dialect.ts";
import type { Identity, User } from "./types.ts";

/** The events and what each listener receives: the reference's signals. */
export interface GuestUserEvents {
  /** A request created a guest (not fired when code creates one without a request). */
  readonly guestCreated: { readonly user: User; readonly request: Request };
  /** A guest converted to a registered user: same id, now with credentials. */
  readonly converted: { readonly user: User };
  /**
   * A guest logged in to an existing account. Runs INSIDE the transaction that then deletes
   * the guest: move the guest's rows to `user` with `db` (the transaction). A throw rolls the
   * whole merge back (the guest and its rows stay) and is reported; the login still happens.
   * With no `merged` listener, nothing is merged and the guest simply expires.
   */
  readonly merged: { readonly guest: User; readonly user: User; readonly db: Db };
  /** A guest converted by connecting a social account (fired after `converted`). */
  readonly convertedSocialAccount: { readonly user: User; readonly identity: Identity };
  /**
   * A user was deleted one by one (self-service deletion or the admin's actions; clean-up
   * reports through the `beforeDelete` option instead, batch by batch).
   */
  readonly deleted: { readonly user: User; readonly by: "self" | "admin" };
  /**
   * A user continued on another device: a continue link was used, and that device got its own
   * session for `user` (the link's token is never passed, nor logged).
   */
  readonly continued: { readonly user: User };
}

/** A listener; it may be async, and is awaited before the operation returns. */
export type Listener<Name extends keyof GuestUserEvents> = (
  event: GuestUserEvents[Name],
) => void | Promise<void>;

export type { Logger } from "../../shared/logger.ts";

/** What a failing listener of each event leaves behind, for the log line. */
const OUTCOMES: { readonly [Name in keyof GuestUserEvents]: string } = {
  guestCreated: "the guest itself is saved",
  converted: "the conversion itself is saved",
  merged: "the merge itself is saved",
  convertedSocialAccount: "the conversion itself is saved",
  deleted: "the user is deleted all the same",
  continued: "the new session is kept",
};

/**
 * A small typed event emitter. Listeners run after the database transaction committed, one
 * after another; one that throws is reported to the logger as a `LISTENER_FAILED` error (the
 * rest still run, and the committed rows stay as they are: nothing is half-written).
 */
export class Events {
  readonly #listeners = Object.fromEntries(
    Object.keys(OUTCOMES).map((name) => [name, new Set()]),
  ) as { [Name in keyof GuestUserEvents]: Set<Listener<Name>> };
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds a listener; returns a function that removes it. */
  on<Name extends keyof GuestUserEvents>(name: Name, listener: Listener<Name>): () => void {
    this.#set(name).add(listener);
    return () => this.off(name, listener);
  }

  /** Removes a listener added with {@link on}. */
  off<Name extends keyof GuestUserEvents>(name: Name, listener: Listener<Name>): void {
    this.#set(name).delete(listener);
  }

  /** Calls every listener of `name` in order, reporting (not throwing) their failures. */
  async emit<Name extends keyof GuestUserEvents>(
    name: Name,
    event: GuestUserEvents[Name],
  ): Promise<void> {
    for (const listener of [...this.#set(name)]) {
      try {
        await listener(event);
      } catch (cause) {
        this.report(name, cause, OUTCOMES[name]);
      }
    }
  }

  /** True when `name` has at least one listener. */
  has(name: keyof GuestUserEvents): boolean {
    return this.#set(name).size > 0;
  }

  /** Calls every listener of `name` in order and lets the first failure through (inside a transaction). */
  async emitStrict<Name extends keyof GuestUserEvents>(
    name: Name,
    event: GuestUserEvents[Name],
  ): Promise<void> {
    for (const listener of [...this.#set(name)]) await listener(event);
  }

  /** Reports a listener failure to the logger. */
  report(name: keyof GuestUserEvents, cause: unknown, outcome: string): void {
    const error = new GuestUserError(
      "LISTENER_FAILED",
      `A "${name}" listener threw; ${outcome}. Fix the listener (see the cause).`,
      { cause },
    );
    this.#logger.error(error.message, error);
  }

  #set<Name extends keyof GuestUserEvents>(name: Name): Set<Listener<Name>> {
    return this.#listeners[name] as Set<Listener<Name>>;
  }
}
