import { accountRoutes } from "../../../lib/guest-user";

// The convert view (/convert/) and its success page (/convert/success/).
export const { GET, POST } = accountRoutes;
