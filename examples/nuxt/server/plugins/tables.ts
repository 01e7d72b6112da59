import { guestUsers, notes } from "../utils/guest-user";

/** Creates the tables when the server starts; requests wait until they exist. */
export default defineNitroPlugin((nitroApp) => {
  const ready = guestUsers.migrate().then(() => notes.createTable());
  nitroApp.hooks.hook("request", () => ready);
});
