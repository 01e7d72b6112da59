import { escapeHtml } from "guest-user/templates";
import { csrfInput, PATHS } from "./layout.ts";
import { MAX_NOTE_LENGTH, type Note } from "./notes.ts";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** The first words of a note, for the delete button's accessible name. */
function excerpt(text: string): string {
  const line = text.split("\n")[0] ?? "";
  const chars = [...line];
  return chars.length > 40 ? `${chars.slice(0, 40).join("")}…` : line;
}

function noteItem(note: Note, csrfToken: string): string {
  const date = new Date(note.createdAt);
  return `<li class="note">
<div>
<p class="note-text">${escapeHtml(note.text)}</p>
<time datetime="${date.toISOString()}">${escapeHtml(dateFormat.format(date))}</time>
</div>
<form method="post" action="/notes/${note.id}/delete">${csrfInput(csrfToken)}<button type="submit" class="delete" aria-label="Delete note: ${escapeHtml(excerpt(note.text))}">Delete</button></form>
</li>`;
}

/** What the home page shows. */
export interface HomeContext {
  readonly notes: readonly Note[];
  readonly csrfToken: string;
  /** The text to put back in the box after a refused submission. */
  readonly draft?: string;
  /** Why the submission was refused. */
  readonly error?: string;
}

/** The notes page: the form to add one, then the list. */
export function homePage({ notes, csrfToken, draft, error }: HomeContext): string {
  const describedBy = error ? "note-error note-help" : "note-help";
  const invalid = error ? ' aria-invalid="true"' : "";
  const errorHtml = error
    ? `<p class="errors" id="note-error" role="alert">${escapeHtml(error)}</p>`
    : "";
  const count = notes.length === 1 ? "1 note" : `${notes.length} notes`;
  const list =
    notes.length > 0
      ? `<ul class="notes">
${notes.map((note) => noteItem(note, csrfToken)).join("\n")}
</ul>`
      : `<p class="empty">No notes yet. Write your first one above.</p>`;
  return `<h1>Your notes</h1>
<form class="card add-note" method="post" action="/notes">
${csrfInput(csrfToken)}
<label for="note-text">New note</label>
<textarea id="note-text" name="text" rows="3" maxlength="${MAX_NOTE_LENGTH}" required aria-describedby="${describedBy}"${invalid}>${escapeHtml(draft ?? "")}</textarea>
${errorHtml}<p class="hint" id="note-help">Up to ${MAX_NOTE_LENGTH} characters.</p>
<button type="submit">Add note</button>
</form>
<section aria-labelledby="notes-heading">
<h2 id="notes-heading">${count}</h2>
${list}
</section>`;
}

/** A short page for refused or failed requests. */
export function messagePage(title: string, message: string): string {
  return `<div class="card">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><a href="${PATHS.home}">Back to your notes</a></p>
</div>`;
}
