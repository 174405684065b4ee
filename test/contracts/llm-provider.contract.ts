import { buildSayingPrompt } from '../../src/domain/sayings/prompt';
import { parseSayings } from '../../src/domain/sayings/parse';
import { AWS_SERVICES } from '../../src/domain/services/aws-services';
import { LlmProviderError, type LlmProvider, type LlmRequest, type LlmStreamEvent } from '../../src/ports/llm-provider';

export interface LlmContractOptions {
  /** A provider; two made with the same seed must answer the same calls alike (real vendors: skip `seeded`). */
  readonly make: (seed: number) => LlmProvider;
  /** The vendor model id to call. */
  readonly model: string;
}

const FINISH_REASONS = ['stop', 'length', 'content-filter', 'error', 'other', 'unknown'];

const pick = (...ids: string[]) =>
  ids.map((id) => {
    const service = AWS_SERVICES.find((s) => s.id === id);
    if (!service) throw new Error(`unknown service ${id}`);
    return service;
  });

async function collect(events: AsyncIterable<LlmStreamEvent>): Promise<LlmStreamEvent[]> {
  const out: LlmStreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

function textOf(events: readonly LlmStreamEvent[]): string {
  return events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
}

/** The LlmProvider contract. */
export function llmProviderContract(name: string, { make, model }: LlmContractOptions): void {
  describe(`LlmProvider contract: ${name}`, () => {
    const request = (content: string, overrides: Partial<LlmRequest> = {}): LlmRequest => ({
      model,
      messages: [
        { role: 'system', content: 'You answer briefly.' },
        { role: 'user', content },
      ],
      maxTokens: 200,
      temperature: 0.7,
      signal: undefined,
      ...overrides,
    });

    it('generates text with numeric usage and a finish reason', async () => {
      const result = await make(1).generate(request('Say something about queues.'));
      expect(typeof result.text).toBe('string');
      expect(result.text.length).toBeGreaterThan(0);
      expect(typeof result.usage.inputTokens).toBe('number');
      expect(typeof result.usage.outputTokens).toBe('number');
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeLessThanOrEqual(200);
      expect(FINISH_REASONS).toContain(result.finishReason);
    });

    it('streams text deltas that add up to the generated text, then exactly one finish event', async () => {
      const messages = buildSayingPrompt('anthropic', pick('s3', 'lambda', 'sqs'));
      const req = { ...request(''), messages };
      const generated = await make(42).generate(req);
      const events = await collect(make(42).stream(req));
      const finishes = events.filter((e) => e.type === 'finish');
      expect(finishes).toHaveLength(1);
      expect(events.at(-1)?.type).toBe('finish');
      expect(events.length).toBeGreaterThan(2);
      expect(textOf(events)).toBe(generated.text);
      const finish = finishes[0];
      if (finish?.type !== 'finish') throw new Error('no finish event');
      expect(FINISH_REASONS).toContain(finish.finishReason);
      expect(typeof finish.usage.inputTokens).toBe('number');
      expect(typeof finish.usage.outputTokens).toBe('number');
    });

    it('rejects an aborted call with an LlmProviderError of kind timeout', async () => {
      const controller = new AbortController();
      controller.abort();
      const provider = make(7);
      const generated = provider.generate(request('Too late.', { signal: controller.signal }));
      await expect(generated).rejects.toBeInstanceOf(LlmProviderError);
      await expect(generated).rejects.toMatchObject({ kind: 'timeout', isRetryable: true });
      await expect(collect(provider.stream(request('Too late.', { signal: controller.signal })))).rejects.toMatchObject({
        name: 'LlmProviderError',
        kind: 'timeout',
      });
    });

    it('aborts a stream that is already under way', async () => {
      const controller = new AbortController();
      const events: LlmStreamEvent[] = [];
      const consume = async () => {
        const messages = buildSayingPrompt('openai', pick('ec2', 'rds', 'vpc'));
        for await (const event of make(8).stream({ ...request(''), messages, signal: controller.signal })) {
          events.push(event);
          if (events.length === 1) controller.abort();
        }
      };
      await expect(consume()).rejects.toMatchObject({ kind: 'timeout' });
      expect(events.some((e) => e.type === 'finish')).toBe(false);
    });

    it('answers the same calls alike for the same seed', async () => {
      const calls = [pick('s3'), pick('dynamodb', 'sns'), pick('eks', 'cloudfront', 'route-53')];
      const run = async (provider: LlmProvider) => {
        const out: string[] = [];
        for (const services of calls) out.push((await provider.generate({ ...request(''), messages: buildSayingPrompt('openai', services) })).text);
        out.push(textOf(await collect(provider.stream({ ...request(''), messages: buildSayingPrompt('anthropic', calls[2] ?? []) }))));
        return out;
      };
      const first = await run(make(99));
      expect(await run(make(99))).toEqual(first);
      expect(await run(make(100))).not.toEqual(first);
    });

    it.each(['openai', 'anthropic'] as const)('answers the %s sayings prompt with one parseable saying per service', async (vendor) => {
      const services = pick('s3', 'lambda', 'dynamodb');
      const result = await make(5).generate({ ...request(''), messages: buildSayingPrompt(vendor, services) });
      if (vendor === 'openai') expect(JSON.parse(result.text)).toHaveLength(3);
      else expect(result.text).toMatch(/<sayings>[\s\S]*<\/sayings>/);
      const sayings = parseSayings(result.text, 3);
      expect(sayings).toHaveLength(3);
      sayings.forEach((saying, i) => expect(saying).toContain(services[i]?.name));
    });

    it('varies: 30 calls give at least 20 distinct sayings', async () => {
      const provider = make(2024);
      const messages = buildSayingPrompt('openai', pick('sqs'));
      const seen = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const sayings = parseSayings((await provider.generate({ ...request(''), messages })).text, 1);
        expect(sayings).toHaveLength(1);
        seen.add(sayings[0] ?? '');
      }
      expect(seen.size).toBeGreaterThanOrEqual(20);
    });
  });
}
