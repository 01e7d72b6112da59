import { guestUser, notes } from "../lib/guest-user";
import { addNote, logOut } from "./actions";

/** Per visitor: never prerendered. */
export const dynamic = "force-dynamic";

export default async function NotesPage() {
  const { user, isGuest } = await guestUser.currentUser();
  const list = user ? await notes.list(user.id) : [];
  return (
    <main>
      <h1>Notes</h1>
      <p data-testid="who">
        {!user
          ? "Anonymous visitor: your first note makes you a guest."
          : isGuest
            ? `Guest ${user.username} (#${user.id})`
            : `Signed in as ${user.username} (#${user.id})`}
      </p>
      <p data-testid="user-id" hidden>
        {user ? String(user.id) : ""}
      </p>
      <form action={addNote}>
        <textarea name="text" required maxLength={500} aria-label="Note" />
        <button type="submit">Add note</button>
      </form>
      <ul data-testid="notes">
        {list.map((note) => (
          <li key={note.id}>{note.text}</li>
        ))}
      </ul>
      <nav>
        {isGuest ? <a href="/convert/?next=/">Sign up to keep your notes</a> : null}{" "}
        {!user || isGuest ? <a href="/accounts/login/?next=/">Log in</a> : null}{" "}
        {user ? (
          <form action={logOut} style={{ display: "inline" }}>
            <button type="submit">Log out</button>
          </form>
        ) : null}
      </nav>
    </main>
  );
}
