import { pickIndex, type RandomFn } from '../shared/random';

/** Per instance: requests 1–3 read the collection, request 4 calls a model live, then the pool serves. */
export const COLLECTION_REQUESTS = 3;
export const LIVE_REQUEST = 4;

export type FlowDecision =
  | { readonly source: 'collection'; readonly startBuild: boolean; readonly refill: boolean }
  | { readonly source: 'live'; readonly model: string }
  | { readonly source: 'pool'; readonly refill: boolean };

export interface FlowInput {
  /** 1-based count of requests this instance has seen, this one included. */
  readonly requestNumber: number;
  readonly poolSize: number;
  /** Below this many generated sayings the pool asks for a refill. */
  readonly refillThreshold: number;
  /** Models a live call may use, each equally likely. */
  readonly liveModels: readonly string[];
  readonly random: RandomFn;
}

export function decideSource(input: FlowInput): FlowDecision {
  const { requestNumber, poolSize, refillThreshold, liveModels, random } = input;
  if (requestNumber <= COLLECTION_REQUESTS) {
    return { source: 'collection', startBuild: requestNumber === 1, refill: false };
  }
  if (requestNumber === LIVE_REQUEST && liveModels.length > 0) {
    return { source: 'live', model: liveModels[pickIndex(liveModels.length, random)] as string };
  }
  if (poolSize > 0) return { source: 'pool', refill: poolSize - 1 < refillThreshold };
  return { source: 'collection', startBuild: false, refill: true };
}
