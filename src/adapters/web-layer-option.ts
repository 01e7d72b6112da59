import * as v from "valibot";
import type { GuestUserHttp } from "../http/guest-user-http.ts";
import { userObject } from "../shared/edge-option-values.ts";

/** The `http` option of every adapter: a web layer to share, made by `createGuestUserHttp()`. */
export const WEB_LAYER_OPTION = v.optional(
  userObject<GuestUserHttp>(
    ["resolve", "maybeCreateGuestUser"],
    "a web layer (createGuestUserHttp())",
  ),
);
