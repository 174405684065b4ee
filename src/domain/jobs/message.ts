/** What a queued message asks for: one item of one job. */
export interface JobMessage {
  readonly jobId: string;
  readonly item: number;
}

/** Message bodies are JSON; anything else is a poison message the consumer must not crash on. */
export function encodeJobMessage(message: JobMessage): string {
  return JSON.stringify({ v: 1, jobId: message.jobId, item: message.item });
}

export function decodeJobMessage(body: string): JobMessage | undefined {
  try {
    const value = JSON.parse(body) as { v?: unknown; jobId?: unknown; item?: unknown } | null;
    if (value?.v !== 1 || typeof value.jobId !== 'string' || value.jobId === '' || value.jobId.length > 100) return undefined;
    if (typeof value.item !== 'number' || !Number.isSafeInteger(value.item) || value.item < 0) return undefined;
    return { jobId: value.jobId, item: value.item };
  } catch {
    return undefined;
  }
}
