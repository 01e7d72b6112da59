"use server";

import { revalidatePath } from "next/cache";
import { guestUser, notes } from "../lib/guest-user";

/** Adds a note; the visitor's first note makes them a guest (cookie set here). */
export async function addNote(form: FormData): Promise<void> {
  const text = String(form.get("text") ?? "").trim();
  if (!text || text.length > 500) return;
  const user = await guestUser.ensureGuest(); // null: a crawler, or guests are off
  if (!user) return;
  await notes.add(user.id, text);
  revalidatePath("/");
}

/** Logs out (guest or registered). */
export async function logOut(): Promise<void> {
  await guestUser.logOut();
  revalidatePath("/");
}
