import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileState, type FileStateSettings } from '../../src/adapters/file/file-state';
import type { FeedbackRecord } from '../../src/domain/feedback/feedback-record';
import type { FeedbackType } from '../../src/domain/feedback/vote';
import type { Origin, Saying } from '../../src/domain/sayings/saying';
import type { UsageEntry } from '../../src/domain/usage/usage-entry';
import type { Clock } from '../../src/ports/clock';
import type { CastVote } from '../../src/ports/feedback-repo';
import type { Logger } from '../../src/ports/logger';

/** A clock the test moves by hand; both readings move together unless told otherwise. */
export class ManualClock implements Clock {
  constructor(
    private wall = 1_700_000_000_000,
    private mono = 1_000,
  ) {}

  now(): number {
    return this.wall;
  }

  monotonicMs(): number {
    return this.mono;
  }

  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
}

export const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let seq = 0;
const nextId = (prefix: string): string => `${prefix}-${process.pid}-${++seq}`;

export const COLLECTION: Origin = { kind: 'collection' };
export const generated = (vendor: 'openai' | 'anthropic' | 'bedrock', model: string): Origin => ({ kind: 'generated', vendor, model, offline: true });

export function makeSaying(overrides: Partial<Saying> = {}): Saying {
  return {
    id: nextId('saying'),
    text: 'Amazon S3 keeps your objects safe, and your bucket names unique across the planet.',
    serviceId: 's3',
    origin: COLLECTION,
    generation: undefined,
    upvotes: 0,
    downvotes: 0,
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function makeRecord(sayingId: string, overrides: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return {
    id: nextId('fb'),
    at: 1_700_000_000_000,
    sayingId,
    feedbackType: 'POSITIVE',
    vendor: undefined,
    model: undefined,
    executionTimeMs: 12,
    isCached: false,
    originalLlmTimeMs: null,
    idempotencyKey: nextId('key'),
    ...overrides,
  };
}

/** A vote as the use case builds it: the fingerprint stands for the request body. */
export function makeVote(sayingId: string, type: FeedbackType = 'POSITIVE', overrides: Partial<FeedbackRecord> = {}): CastVote {
  const record = makeRecord(sayingId, { feedbackType: type, ...overrides });
  return { record, fingerprint: `fp:${sayingId}:${type}` };
}

/** The same request again: same key and body, but a fresh record id, as a retried HTTP call has. */
export function retryOf(vote: CastVote): CastVote {
  return { record: { ...vote.record, id: nextId('fb-retry') }, fingerprint: vote.fingerprint };
}

export function makeUsage(at: number, overrides: Partial<UsageEntry> = {}): UsageEntry {
  return {
    id: nextId('usage'),
    at,
    channel: 'sayings',
    source: 'collection',
    vendor: undefined,
    model: undefined,
    provider: undefined,
    offline: true,
    keyId: undefined,
    latencyMs: 3,
    cacheHit: false,
    status: 'ok',
    spend: undefined,
    ...overrides,
  };
}

export const FAST_FILE_SETTINGS: Omit<FileStateSettings, 'dataDir'> = {
  flushDelayMs: 5,
  compactionRatio: 4,
  minLinesBeforeCompaction: 20_000,
  maxUsageEntries: 200_000,
};

export interface TempFileState {
  readonly fileState: FileState;
  readonly dataDir: string;
  /** Closes this FileState and opens a new one on the same folder. */
  reopen(): Promise<TempFileState>;
  /** Closes it and removes the folder. */
  close(): Promise<void>;
}

/** A FileState over a fresh temp folder. */
export async function openTempFileState(settings: Partial<Omit<FileStateSettings, 'dataDir'>> = {}): Promise<TempFileState> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-contract-'));
  const full: FileStateSettings = { ...FAST_FILE_SETTINGS, ...settings, dataDir };
  const wrap = (fileState: FileState): TempFileState => ({
    fileState,
    dataDir,
    reopen: async () => {
      await fileState.close();
      return wrap(await FileState.open(full, silentLogger));
    },
    close: async () => {
      await fileState.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return wrap(await FileState.open(full, silentLogger));
}
