import { sql } from "kysely";
import type { RateLimit } from "../../limits/types.ts";
import { InvalidConfigError } from "../../shared/errors.ts";
import type { Db } from "../../store/dialect.ts";
import type { User, UserId } from "../model/types.ts";
import { type Context, withDatabase } from "../runtime/context.ts";

/** What `consumeQuota()` and `quotaStatus()` answer. */
export interface QuotaVerdict {
  /** The quota's name. */
  readonly name: string;
  /** Which limit applies: the guest's or the registered user's. */
  readonly kind: "guest" | "registered";
  /** `consumeQuota`: the units were counted. `quotaStatus`: at least one unit is left. */
  readonly allowed: boolean;
  /** Units per window for this user; `null`: unlimited. */
  readonly limit: number | null;
  /** Units left in the window; `null`: unlimited. */
  readonly remaining: number | null;
  /**
   * When the window ends and the count starts again, as an ISO 8601 string (as the JSON
   * answers show it); `null` while no window is open (nothing spent yet, or unlimited).
   */
  readonly resetAt: string | null;
  /** Seconds until `resetAt` (the 429's `Retry-After`); 0 without a window. */
  readonly retryAfterSeconds: number;
}

/** Who spends a quota: any {@link User}, or its id and guest flag. */
export type QuotaUser = Pick<User, "id" | "isGuest">;

/** The limit-store key of a user's count: the same for a guest and the account it becomes. */
const keyOf = (name: string, id: UserId) => `quota:${name}:${String(id)}`;

/** Quotas by user type (the `quotas` option), counted per user id in the `limitStore`. */
export function quotaManager(context: Context) {
  const { settings } = context;

  const ruleOf = (name: string) => {
    const rule = Object.hasOwn(settings.quotas, name) ? settings.quotas[name] : undefined;
    if (!rule) {
      const known = Object.keys(settings.quotas);
      throw new InvalidConfigError(
        "quotas",
        `there is no quota named ${JSON.stringify(name)}: ${known.length ? `the quotas are ${known.map((k) => JSON.stringify(k)).join(", ")}` : "add it to the `quotas` option"}`,
      );
    }
    return rule;
  };

  const run = async (user: QuotaUser, name: string, amount: number): Promise<QuotaVerdict> => {
    if (!Number.isInteger(amount) || amount < 0) {
      throw new InvalidConfigError("amount", `expected a whole number of units, got ${amount}`);
    }
    const rule = ruleOf(name);
    const kind = user.isGuest ? "guest" : "registered";
    const limit: RateLimit | null = user.isGuest ? rule.guest : rule.registered;
    if (!limit) {
      return {
        name,
        kind,
        allowed: true,
        limit: null,
        remaining: null,
        resetAt: null,
        retryAfterSeconds: 0,
      };
    }
    const store = settings.limitStore;
    if (!store.consume) throw new InvalidConfigError("limitStore", "it has no consume()");
    const { allowed, used, resetAt } = await store.consume(keyOf(name, user.id), amount, limit);
    const msLeft = resetAt === null ? 0 : Math.max(0, resetAt - settings.clock());
    const verdict: QuotaVerdict = {
      name,
      kind,
      allowed: amount > 0 ? allowed : used < limit.max,
      limit: limit.max,
      remaining: Math.max(0, limit.max - used),
      resetAt: resetAt === null ? null : new Date(resetAt).toISOString(),
      retryAfterSeconds: resetAt === null ? 0 : Math.max(1, Math.ceil(msLeft / 1000)),
    };
    if (amount > 0 && !allowed) await refused(user, verdict);
    return verdict;
  };

  /** A refusal: the metric, and for a guest the durable mark the funnel reads at conversion. */
  const refused = async (user: QuotaUser, verdict: QuotaVerdict) => {
    context.metrics.quotaExceeded(verdict.name, verdict.kind);
    if (!user.isGuest) return;
    const guests = sql.table(settings.tables.guests);
    await withDatabase(context, () =>
      sql`update ${guests} set quota_hit_at = ${settings.clock()}
        where user_id = ${user.id} and quota_hit_at is null`.execute(context.db),
    );
  };

  return {
    /**
     * Spends `amount` units of quota `name` for `user`, atomically (two parallel calls for the
     * last unit never both pass, on any server sharing the `limitStore`): `allowed` false and
     * nothing counted when fewer are left. A guest is held to the quota's `guest` limit, a
     * registered user to `registered` (`null`: always allowed, not counted). Counted per user
     * id, so a guest who converts keeps its count and window. Throws `INVALID_CONFIG` for a
     * name not in the `quotas` option.
     * @default amount 1
     * @example
     * ```ts
     * const quota = await guestUsers.consumeQuota(user, "ai");
     * if (!quota.allowed) return Response.json({ resetAt: quota.resetAt }, { status: 429 });
     * ```
     */
    consumeQuota(user: QuotaUser, name: string, amount = 1): Promise<QuotaVerdict> {
      return run(user, name, amount);
    },
    /**
     * What is left of quota `name` for `user`, counting nothing. Throws `INVALID_CONFIG` for a
     * name not in the `quotas` option.
     * @example
     * ```ts
     * const { remaining, limit } = await guestUsers.quotaStatus(user, "ai");
     * ```
     */
    quotaStatus(user: QuotaUser, name: string): Promise<QuotaVerdict> {
      return run(user, name, 0);
    },
  };
}

/**
 * In a conversion's transaction, before the guest row goes: bumps the funnel's
 * `convertedAfterQuota` when a quota had refused this guest.
 */
export async function countConversionAfterQuota(
  context: Context,
  trx: Db,
  id: UserId,
  now: number,
) {
  if (Object.keys(context.settings.quotas).length === 0) return;
  const guests = sql.table(context.settings.tables.guests);
  const { rows } = await sql<{ hit: unknown }>`select quota_hit_at as hit from ${guests}
    where user_id = ${id}`.execute(trx);
  if (rows[0]?.hit !== null && rows[0]?.hit !== undefined) {
    await context.funnel.bump(trx, "convertedAfterQuota", 1, now);
  }
}
