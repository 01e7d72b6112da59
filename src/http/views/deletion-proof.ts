import type { User } from "../../core/model/types.ts";
import { withNext } from "../safe-next.ts";
import { signInRoutesFor } from "../sign-in-routes.ts";
import type { SignInAgain } from "./profile-templates.ts";
import type { Exchange } from "./view-kit.ts";

/**
 * What a user must show to delete the account at `deletePath`:
 * - `confirm`: the button alone (with CSRF): a guest, or an account without a password
 *   signed in within `recentSignInSeconds`;
 * - `password`: the current password (an account that has one);
 * - `signInAgain`: nothing deletes it now: an account without a password whose sign-in is
 *   older (or whose session just ended) signs in again first.
 */
export type DeletionProof =
  | { readonly kind: "confirm" }
  | { readonly kind: "password" }
  | { readonly kind: "signInAgain"; readonly signInAgain: SignInAgain };

const CONFIRM: DeletionProof = { kind: "confirm" };
const PASSWORD: DeletionProof = { kind: "password" };

/**
 * Decides the {@link DeletionProof} for the signed-in `user`: no query for a guest; else ONE
 * (`signInStatus`: has it a password, when did this session begin), and for a sign-in too old
 * one more for its identities, to link the sign-in of each provider `oauthViews()` mounted
 * (coming back to this page).
 *
 * @example
 * ```ts
 * const proof = await deletionProof(exchange, user);
 * if (proof.kind === "signInAgain") return refuse(proof.signInAgain);
 * ```
 */
export async function deletionProof(exchange: Exchange, user: User): Promise<DeletionProof> {
  if (user.isGuest) return CONFIRM;
  const { kit, state } = exchange;
  const { guestUsers } = kit.http;
  const status = await guestUsers.signInStatus(state.token);
  if (status?.userId === user.id) {
    if (status.hasPassword) return PASSWORD;
    const age = guestUsers.settings.clock() - status.signedInAt;
    if (age <= kit.recentSignInSeconds * 1000) return CONFIRM;
  }
  const providers = (await guestUsers.identitiesOf(user)).map((identity) => identity.provider);
  const links = signInRoutesFor(guestUsers, providers).map((route) => ({
    provider: route.provider,
    label: route.label,
    url: withNext(route.startPath, "next", kit.deletePath),
  }));
  const withinMinutes = Math.ceil(kit.recentSignInSeconds / 60);
  return { kind: "signInAgain", signInAgain: { withinMinutes, links } };
}
