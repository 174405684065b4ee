import type { ChatStreamEvent } from '../../src/application/gateway/chat-request';
import { relayStream, replayCompletion, type RelayContext, type StreamEnd } from '../../src/application/gateway/stream-relay';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import type { LlmStreamEvent } from '../../src/ports/llm-provider';

/*
 * The relay on its own, against a scripted provider stream: however a stream ends, its settlement is started once,
 * after the upstream stream was let go of, and the stream's end does not wait for it (ADR 0014, "Settlement off the
 * response path"). The settlement handed to the relay here never finishes: a relay that awaited it would hang.
 */

const found = buildCatalog().get('gpt-4.1-mini');
if (!found) throw new Error('the catalog has no gpt-4.1-mini');
const spec = found;

type Step = LlmStreamEvent | Error;

/** A provider stream that yields `steps` in order (throwing the errors), and records what happened to it. */
function scripted(steps: readonly Step[], journal: string[]): AsyncIterator<LlmStreamEvent> {
  let at = 0;
  return {
    next: () => {
      const step = steps[at++];
      if (step === undefined) return Promise.resolve({ done: true, value: undefined });
      if (step instanceof Error) return Promise.reject(step);
      return Promise.resolve({ done: false, value: step });
    },
    return: () => {
      journal.push('upstream released');
      return Promise.resolve({ done: true, value: undefined });
    },
  };
}

function context(journal: string[], settled: StreamEnd[]): RelayContext {
  return {
    spec,
    inputEstimate: 10,
    signal: undefined,
    clock: { now: () => 0, monotonicMs: () => 0 },
    startedMs: 0,
    llmStartedMs: 0,
    completed: () => Promise.resolve(),
    // Returns a settlement that never finishes: the relay has to let the stream end without it.
    settle: (end) => {
      journal.push('settle');
      settled.push(end);
      return new Promise<void>(() => undefined);
    },
    logFailure: () => undefined,
  };
}

const delta = (text: string): LlmStreamEvent => ({ type: 'text-delta', text });
const finish: LlmStreamEvent = { type: 'finish', finishReason: 'stop', rawFinishReason: 'stop', usage: { inputTokens: 7, outputTokens: 3 } };

/** Fails instead of hanging when the relay waits for the settlement it started. */
async function ends<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the stream waited for its settlement')), 2_000)));
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

async function drain(events: AsyncGenerator<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = [];
  await ends(
    (async () => {
      for await (const e of events) out.push(e);
    })(),
  );
  return out;
}

it('a completed stream ends at once and is settled once, in full, with what the provider reported', async () => {
  const journal: string[] = [];
  const settled: StreamEnd[] = [];
  const iterator = scripted([delta('Hello '), finish], journal);
  const first = await iterator.next();
  const events = await drain(relayStream(iterator, first, context(journal, settled)));
  expect(events.map((e) => e.type)).toEqual(['delta', 'finish']);
  expect(journal).toEqual(['settle']);
  expect(settled).toEqual([{ usage: { promptTokens: 7, completionTokens: 3, estimated: false }, llmLatencyMs: 0, latencyMs: 0, errorCode: undefined, partial: false }]);
});

it('a stream that fails mid-way ends with its error event, lets go of the upstream, then is settled once as partial', async () => {
  const journal: string[] = [];
  const settled: StreamEnd[] = [];
  const iterator = scripted([delta('Half '), new Error('socket hang up')], journal);
  const events = await drain(relayStream(iterator, await iterator.next(), context(journal, settled)));
  expect(events.map((e) => e.type)).toEqual(['delta', 'error']);
  expect(journal).toEqual(['upstream released', 'settle']);
  expect(settled).toEqual([expect.objectContaining({ errorCode: 'upstream_unavailable', partial: true, usage: expect.objectContaining({ estimated: true }) })]);
});

it('a client that leaves: the upstream is let go of first, what was sent is charged, and settle runs once', async () => {
  const journal: string[] = [];
  const settled: StreamEnd[] = [];
  const iterator = scripted([delta('Sent '), delta('never sent'), finish], journal);
  const relay = relayStream(iterator, await iterator.next(), context(journal, settled));
  expect((await relay.next()).value).toEqual({ type: 'delta', text: 'Sent ' });
  // What a door does when the client left: stop reading and close the generator.
  await ends(relay.return(undefined));
  await ends(relay.return(undefined));
  expect(journal).toEqual(['upstream released', 'settle']);
  expect(settled).toEqual([expect.objectContaining({ errorCode: 'client_closed', partial: true, usage: expect.objectContaining({ completionTokens: expect.any(Number) }) })]);
  expect(settled[0]?.usage?.completionTokens).toBeGreaterThan(0);
});

it('a cached replay ends at once and starts its settlement once, finished or left', async () => {
  const completion = { text: 'Cached.', finishReason: 'stop' as const, usage: { promptTokens: 1, completionTokens: 1, estimated: false } };
  const seen: boolean[] = [];
  const never = (finished: boolean) => {
    seen.push(finished);
    return new Promise<void>(() => undefined);
  };
  await drain(replayCompletion(completion, ({ finished }) => never(finished)));
  const left = replayCompletion(completion, ({ finished }) => never(finished));
  await left.next();
  await ends(left.return(undefined));
  expect(seen).toEqual([true, false]);
});
