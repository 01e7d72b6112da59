import * as v from "valibot";
import type { GuestUserHttp } from "../http/guest-user-http.ts";
import { withMethods } from "../shared/option-values.ts";

/** The `http` option of every adapter: a web layer to share, made by `createGuestUserHttp()`. */
export const WEB_LAYER_OPTION = v.optional(
  withMethods<GuestUserHttp>(
    ["resolve", "maybeCreateGuestUser"],
    "a web layer (createGuestUserHttp())",
  ),
);
