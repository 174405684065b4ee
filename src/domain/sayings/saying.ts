import type { Vendor } from '../catalog/model-catalog';
import type { NanoUsd } from '../cost/money';

/** Where a saying came from: the stored collection, or a model (possibly its offline stand-in). */
export type Origin =
  | { readonly kind: 'collection' }
  | { readonly kind: 'generated'; readonly vendor: Vendor; readonly model: string; readonly offline: boolean };

export interface GenerationInfo {
  readonly llmTimeMs: number;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  /** The saying's share of its call's cost. */
  readonly costNano: NanoUsd | undefined;
}

export interface Saying {
  readonly id: string;
  readonly text: string;
  readonly serviceId: string;
  readonly origin: Origin;
  readonly generation: GenerationInfo | undefined;
  readonly upvotes: number;
  readonly downvotes: number;
  readonly createdAt: number;
}

/** Text compared for duplicates: case, punctuation, accents' composition and spacing do not count. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    // Removing punctuation can bring composable characters together (Hangul jamo): compose again.
    .normalize('NFKC');
}
