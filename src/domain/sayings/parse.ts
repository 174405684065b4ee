import { MAX_SAYING_LENGTH, MIN_SAYING_LENGTH } from './prompt';
import { normalizeText } from './saying';

const LIST_MARKER = /^\s*(?:\d{1,2}[.):]|[-*•·]|\(\d{1,2}\))\s+/;
const TAG_BLOCK = /<sayings>([\s\S]*?)<\/sayings>/i;
const PROMPT_MARKERS = ['<task>', '<services>', '<format>', 'services:', 'write 3 sayings', 'json array'];

/**
 * Reads sayings out of a model's answer, whatever shape it took: a JSON array (bare or fenced), a
 * `<sayings>` block, a numbered or bulleted list, or plain lines between stray prose. Each candidate is
 * cleaned and checked; ones that are empty, too long or echo the prompt are dropped, as are repeats.
 */
export function parseSayings(answer: string, max: number): readonly string[] {
  const candidates = fromJson(answer) ?? fromLines(answer);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of candidates) {
    if (out.length >= max) break;
    const text = clean(raw);
    const norm = normalizeText(text);
    if (!isSane(text) || seen.has(norm)) continue;
    seen.add(norm);
    out.push(text);
  }
  return out;
}

function fromJson(answer: string): readonly string[] | undefined {
  const start = answer.indexOf('[');
  const end = answer.lastIndexOf(']');
  if (start < 0 || end <= start) return undefined;
  try {
    const value: unknown = JSON.parse(answer.slice(start, end + 1));
    if (!Array.isArray(value)) return undefined;
    const strings = value.flatMap((v: unknown) => (typeof v === 'string' ? [v] : isSayingObject(v) ? [v.saying] : []));
    return strings.length > 0 ? strings : undefined;
  } catch {
    return undefined;
  }
}

function isSayingObject(v: unknown): v is { saying: string } {
  return typeof v === 'object' && v !== null && typeof (v as { saying?: unknown }).saying === 'string';
}

function fromLines(answer: string): readonly string[] {
  const block = TAG_BLOCK.exec(answer)?.[1] ?? answer;
  const lines = block.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const listed = lines.filter((l) => LIST_MARKER.test(l));
  // A list, when there is one, is the answer; the prose around it ("Here are three sayings:") is not.
  return listed.length > 0 ? listed : lines.filter((l) => !l.endsWith(':'));
}

function clean(raw: string): string {
  return raw
    .replace(LIST_MARKER, '')
    .replace(/^\*\*[^*]{1,60}\*\*:?\s*/, '')
    .replace(/[*_`#]/g, '')
    .replace(/^["“”'‘’]+|["“”'‘’]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function isSane(text: string): boolean {
  if (text.length < MIN_SAYING_LENGTH || text.length > MAX_SAYING_LENGTH) return false;
  if (!/\p{L}/u.test(text)) return false;
  const lower = text.toLowerCase();
  return !PROMPT_MARKERS.some((m) => lower.includes(m));
}
