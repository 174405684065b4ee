import { closeSync, fsyncSync, openSync, readFileSync, existsSync, renameSync, writeSync, mkdirSync, truncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface JournalSettings {
  /** The most a write-behind record waits before it is written. */
  readonly flushDelayMs: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * An append-only file of JSON lines with group commit. A durable append resolves after the fsync of the
 * batch that holds it; other appends are written behind within `flushDelayMs`. A kill can only leave a
 * torn last line, which was never acknowledged and is dropped on load. Compaction writes a new file
 * beside the old one and renames it over, which is atomic.
 */
export class JsonlJournal {
  private handle: FileHandle | undefined;
  /**
   * Lines not yet written; a superseded one is left as `undefined`. An entity's record is kept as given and
   * serialised when its batch is written, so a line superseded before then costs no JSON.stringify; other
   * records are serialised at once, as they were when appended.
   */
  private pending: (string | { readonly entity: unknown } | undefined)[] = [];
  /** Where the pending line of each entity (see `append`'s `entity`) is. */
  private pendingAt = new Map<string, number>();
  private superseded = 0;
  private waiters: Waiter[] = [];
  /** Batches and compactions run one at a time, first come first served. */
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private linesInFile = 0;

  constructor(
    private readonly path: string,
    private readonly settings: JournalSettings,
  ) {}

  /** Reads every whole record, drops a torn tail, and opens the file for appending. */
  async open(): Promise<readonly unknown[]> {
    mkdirSync(dirname(this.path), { recursive: true });
    const records: unknown[] = [];
    if (existsSync(this.path)) {
      const text = readFileSync(this.path, 'utf8');
      const lastNewline = text.lastIndexOf('\n');
      const whole = text.slice(0, lastNewline + 1);
      if (whole.length < text.length) truncateSync(this.path, Buffer.byteLength(whole));
      for (const line of whole.split('\n')) {
        if (line === '') continue;
        try {
          records.push(JSON.parse(line));
        } catch {
          // A line torn mid-file can only come from outside tampering; skipping it keeps the rest.
        }
      }
    }
    this.linesInFile = records.length;
    this.handle = await open(this.path, 'a');
    return records;
  }

  get lineCount(): number {
    return this.linesInFile + this.pending.length - this.superseded;
  }

  /**
   * `entity` names the whole entity the record carries (an upsert by id, like every record here): a line of the
   * same entity still waiting to be written is then dropped, since this one carries all of it, and the new line
   * goes last, so it also stays after every other change written before it. Entities changed on every request
   * (a key's usage totals) then cost one line per batch instead of one per change. An entity's record is
   * serialised when its batch is written, so it must not be changed after it is appended (records here are
   * immutable values).
   */
  append(record: unknown, durable: boolean, entity?: string): Promise<void> {
    if (entity !== undefined) {
      const at = this.pendingAt.get(entity);
      if (at !== undefined) {
        this.pending[at] = undefined;
        this.superseded++;
      }
      this.pendingAt.set(entity, this.pending.length);
    }
    this.pending.push(entity === undefined ? `${JSON.stringify(record)}\n` : { entity: record });
    if (!durable) {
      this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.settings.flushDelayMs);
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    void this.flush().catch(() => undefined);
    return done;
  }

  /** Writes what is pending; concurrent callers share batches (group commit). */
  flush(): Promise<void> {
    return this.exclusive(() => (this.pending.length === 0 ? Promise.resolve() : this.writeBatch()));
  }

  /** A failed operation fails its own callers only; the next one in the queue still runs. */
  private exclusive(operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeBatch(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const pending = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.pendingAt = new Map();
    this.superseded = 0;
    this.waiters = [];
    const lines: string[] = [];
    try {
      for (const line of pending) {
        if (line !== undefined) lines.push(typeof line === 'string' ? line : `${JSON.stringify(line.entity)}\n`);
      }
      const handle = this.requireHandle();
      const data = Buffer.from(lines.join(''), 'utf8');
      for (let offset = 0; offset < data.length; ) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
      if (waiters.length > 0) await handle.datasync();
      this.linesInFile += lines.length;
      for (const w of waiters) w.resolve();
    } catch (error) {
      for (const w of waiters) w.reject(error);
      throw error;
    }
  }

  /**
   * Replaces the file with a snapshot of the current state, taken while no batch is being written, so no
   * record can land in the old file after the snapshot. Records still pending are upserts by id and are
   * simply written again to the new file.
   */
  async compact(snapshot: () => readonly unknown[]): Promise<void> {
    await this.exclusive(() => this.replaceFile(snapshot));
    await this.flush();
  }

  private async replaceFile(snapshot: () => readonly unknown[]): Promise<void> {
    const records = snapshot();
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    await this.requireHandle().close();
    renameSync(tmp, this.path);
    syncDirectory(dirname(this.path));
    this.handle = await open(this.path, 'a');
    this.linesInFile = records.length;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }

  private requireHandle(): FileHandle {
    if (!this.handle) throw new Error(`journal ${this.path} is not open`);
    return this.handle;
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
