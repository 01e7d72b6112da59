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
  // d[i][j]: the distance between the first i characters of a and the first j of b.
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const swap = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      const best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      (d[i] as number[])[j] = swap ? Math.min(best, at(i - 2, j - 2) + 1) : best;
    }
  }
  return at(a.length, b.length);
}
