import type { Vendor } from '../../domain/catalog/model-catalog';

/** What `GET /sayings` returns; times in milliseconds, unknowns null. */
export interface SayingView {
  readonly sayingId: string;
  readonly saying: string;
  readonly service: string;
  readonly serviceId: string;
  readonly source: string;
  readonly vendor: Vendor | null;
  readonly model: string | null;
  readonly offline: boolean;
  readonly isCached: boolean;
  readonly executionTime: number;
  readonly originalLlmTime: number | null;
  readonly tokens: number | null;
  readonly costUsd: number | null;
  readonly requestNumber: number;
}
