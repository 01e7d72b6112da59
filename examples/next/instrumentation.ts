/** Runs once when the server starts, before it answers: creates the tables. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { guestUsers, notes } = await import("./lib/guest-user");
  await guestUsers.migrate();
  await notes.createTable();
}
