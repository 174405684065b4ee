import { normalizeText, type Saying } from '../sayings/saying';
import type { AwsService } from '../services/aws-service';

/** What the prompt grounds the answer in: services the message names and stored sayings about them. */
export interface ChatReference {
  readonly services: readonly AwsService[];
  readonly sayings: readonly ReferenceSaying[];
}

export interface ReferenceSaying {
  readonly serviceId: string;
  readonly serviceName: string;
  readonly text: string;
  /** The user quoted it: they probably want it explained. */
  readonly quoted: boolean;
}

export interface ReferenceLimits {
  readonly services: number;
  readonly sayingsPerService: number;
  readonly quoted: number;
}

export const DEFAULT_REFERENCE_LIMITS: ReferenceLimits = { services: 3, sayingsPerService: 2, quoted: 2 };

const PREFIX = /^(?:Amazon|AWS)\s+/;
/** A quoted saying shorter than this could match by accident. */
const MIN_QUOTE_CHARS = 20;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A short name is distinctive (S3, EC2, DynamoDB, IAM) when it has a digit or two capitals; then any case
 * matches. Otherwise (Lambda, Batch, Config, Glue) it is also an ordinary word and must match as written.
 */
function aliasPatterns(service: AwsService): readonly RegExp[] {
  // ASCII boundaries, not \b: in "S3って" the kana after S3 is a letter to \b's Unicode-unaware idea of words.
  const word = (alias: string, flags: string) => new RegExp(`(?<![A-Za-z0-9])${escape(alias).replace(/\s+/g, '\\s+')}(?![A-Za-z0-9])`, flags);
  const short = service.name.replace(PREFIX, '');
  const distinctive = /\d/.test(short) || (short.match(/[A-Z]/g)?.length ?? 0) >= 2;
  return [word(service.name, 'i'), word(short, distinctive ? 'i' : '')];
}

/** The services a message names, in the order it names them, at most `limit`. */
export function mentionedServices(message: string, services: readonly AwsService[], limit: number): readonly AwsService[] {
  const found: { service: AwsService; at: number }[] = [];
  for (const service of services) {
    const positions = aliasPatterns(service).map((p) => message.search(p)).filter((i) => i >= 0);
    if (positions.length > 0) found.push({ service, at: Math.min(...positions) });
  }
  return found.sort((a, b) => a.at - b.at).slice(0, Math.max(0, limit)).map((f) => f.service);
}

/**
 * Services the message names, a few stored sayings about each, and any stored saying it quotes. Pure and
 * deterministic, so the same message over the same collection gives the same prompt (and cache key).
 */
export function buildReference(message: string, services: readonly AwsService[], sayings: readonly Saying[], limits: ReferenceLimits): ChatReference {
  const byId = new Map(services.map((s) => [s.id, s]));
  const normalizedMessage = normalizeText(message);
  const quoted = sayings
    .filter((s) => s.text.length >= MIN_QUOTE_CHARS && normalizedMessage.includes(normalizeText(s.text)))
    .slice(0, limits.quoted);
  const named = mentionedServices(message, services, limits.services);
  const quotedServices = quoted.flatMap((s) => byId.get(s.serviceId) ?? []);
  const all = [...named, ...quotedServices.filter((s) => !named.includes(s))].slice(0, Math.max(limits.services, quotedServices.length));
  const quotedIds = new Set(quoted.map((s) => s.id));
  const about = named.flatMap((service) =>
    sayings.filter((s) => s.serviceId === service.id && !quotedIds.has(s.id)).slice(0, limits.sayingsPerService),
  );
  const toReference = (s: Saying, isQuoted: boolean): ReferenceSaying => ({
    serviceId: s.serviceId,
    serviceName: byId.get(s.serviceId)?.name ?? s.serviceId,
    text: s.text,
    quoted: isQuoted,
  });
  return { services: all, sayings: [...quoted.map((s) => toReference(s, true)), ...about.map((s) => toReference(s, false))] };
}
