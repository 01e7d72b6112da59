/**
 * The candidate closest to `input`: a case-insensitive match first, then the smallest
 * Damerau-Levenshtein distance (adjacent transpositions count one) within a third of the
 * input's length (at least 1, and never every character: `b` is not close to `a`), or a
 * candidate that contains the input or is contained in it (3 characters at least); null when
 * none is close.
 *
 * @example
 * ```ts
 * closest("databse", ["database", "enabled"]); // "database"
 * closest("secretKey", ["secret", "session"]); // "secret"
 * closest("colour", ["database"]); // null
 * ```
 */
export function closest(input: string, candidates: readonly string[]): string | null {
  const lower = input.toLowerCase();
  const exact = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const limit = Math.max(1, Math.floor(input.length / 3));
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const contained =
      Math.min(lower.length, other.length) >= 3 && (lower.includes(other) || other.includes(lower));
    const near = distance <= limit && distance < Math.min(lower.length, other.length);
    if ((near || contained) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
