/** A user's id: a number for auto-increment keys, a string for text or UUID keys. */
export type UserId = number | string;
