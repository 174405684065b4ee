import { normalizeText } from '../sayings/saying';

/**
 * Which of `texts` are duplicates: of a `known` normalised text (the collection), or of an earlier text in
 * the same list. Returns one flag per text, in order; the first of equal texts is kept.
 */
export function markDuplicates(texts: readonly string[], known: ReadonlySet<string>): readonly boolean[] {
  const seen = new Set<string>();
  return texts.map((text) => {
    const norm = normalizeText(text);
    const duplicate = norm === '' || known.has(norm) || seen.has(norm);
    seen.add(norm);
    return duplicate;
  });
}
