import { join } from 'node:path';
import type { FeedbackRecord } from '../../domain/feedback/feedback-record';
import type { Logger } from '../../ports/logger';
import { JOB_CHANGE_KINDS } from '../memory/jobs-memory';
import { MemoryState, type ChangeJournal, type StateChange } from '../memory/memory-state';
import { JsonlJournal } from './jsonl-journal';

export interface FileStateSettings {
  readonly dataDir: string;
  readonly flushDelayMs: number;
  /** Compact when the journal holds this many times more lines than the state has records. */
  readonly compactionRatio: number;
  readonly minLinesBeforeCompaction: number;
  readonly maxUsageEntries: number;
}

type Snapshotted = StateChange | { readonly t: 'feedback'; readonly feedback: FeedbackRecord; readonly fingerprint: string };

/**
 * The local profile's persistence: the in-memory adapters' state, journaled to `DATA_DIR/state.jsonl`.
 * Votes and chat turns are fsynced before they are acknowledged; served sayings and usage are written behind.
 */
export class FileState implements ChangeJournal {
  readonly state: MemoryState;
  private readonly journal: JsonlJournal;
  private compacting: Promise<void> | undefined;

  private constructor(
    private readonly settings: FileStateSettings,
    private readonly logger: Logger,
  ) {
    this.journal = new JsonlJournal(join(settings.dataDir, 'state.jsonl'), { flushDelayMs: settings.flushDelayMs });
    this.state = new MemoryState(this, settings.maxUsageEntries);
  }

  static async open(settings: FileStateSettings, logger: Logger): Promise<FileState> {
    const fileState = new FileState(settings, logger);
    const records = await fileState.journal.open();
    // Usage lines may repeat after a compaction; every other record is an upsert by id.
    const usageIds = new Set<string>();
    for (const record of records) {
      if (!isChange(record)) continue;
      if (record.t === 'usage') {
        if (usageIds.has(record.entry.id)) continue;
        usageIds.add(record.entry.id);
      }
      fileState.state.apply(record);
    }
    fileState.recountVotes();
    logger.info('local state loaded', { dataDir: settings.dataDir, records: records.length, sayings: fileState.state.sayings.size });
    return fileState;
  }

  /**
   * A vote line carries the saying's counts as they were when it was written, which can include a
   * concurrent vote whose own write later failed and was taken back; the feedback records are the truth.
   */
  private recountVotes(): void {
    const counts = new Map<string, { upvotes: number; downvotes: number }>();
    for (const f of this.state.feedback.values()) {
      const c = counts.get(f.sayingId) ?? { upvotes: 0, downvotes: 0 };
      if (f.feedbackType === 'POSITIVE') c.upvotes++;
      else c.downvotes++;
      counts.set(f.sayingId, c);
    }
    for (const saying of this.state.sayings.values()) {
      const c = counts.get(saying.id) ?? { upvotes: 0, downvotes: 0 };
      if (c.upvotes !== saying.upvotes || c.downvotes !== saying.downvotes) this.state.sayings.set(saying.id, { ...saying, ...c });
    }
  }

  async write(change: StateChange, durable: boolean): Promise<void> {
    await this.journal.append(change, durable);
    this.maybeCompact();
  }

  async close(): Promise<void> {
    await this.compacting;
    await this.journal.close();
  }

  private maybeCompact(): void {
    const live = this.state.sayings.size + this.state.feedback.size + this.state.usage.length + this.state.sessions.size + this.state.jobs.recordCount;
    const lines = this.journal.lineCount;
    if (this.compacting || lines < this.settings.minLinesBeforeCompaction || lines < live * this.settings.compactionRatio) return;
    this.compacting = this.journal
      .compact(() => this.snapshot())
      .catch((error: unknown) => this.logger.error('journal compaction failed', { error: String(error) }))
      .finally(() => {
        this.compacting = undefined;
      });
  }

  private snapshot(): readonly Snapshotted[] {
    const fingerprints = new Map([...this.state.voteKeys.values()].map((k) => [k.feedbackId, k.fingerprint]));
    return [
      ...[...this.state.sayings.values()].map((saying): Snapshotted => ({ t: 'saying', saying })),
      ...[...this.state.feedback.values()].map((feedback): Snapshotted => ({ t: 'feedback', feedback, fingerprint: fingerprints.get(feedback.id) ?? '' })),
      ...this.state.usage.map((entry): Snapshotted => ({ t: 'usage', entry })),
      ...[...this.state.sessions.values()].map((session): Snapshotted => ({ t: 'session', session })),
      ...this.state.jobs.snapshot(Date.now()),
    ];
  }
}

function isChange(record: unknown): record is Snapshotted {
  const t = (record as { t?: unknown } | null)?.t;
  return t === 'saying' || t === 'vote' || t === 'feedback' || t === 'usage' || t === 'session' || (typeof t === 'string' && JOB_CHANGE_KINDS.has(t));
}
