import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LlmProviderError, type LlmErrorKind, type LlmProvider, type LlmRequest, type LlmStreamEvent } from '../../src/ports/llm-provider';
import type { FakeBehaviour, FakeServer } from '../support/fakes/scripted-http';

/*
 * What every HTTP vendor adapter (OpenAI, Anthropic) must do on faults and with credentials, run against
 * its own wire fake. Each vendor's test file keeps only what is particular to its wire format.
 */

export async function collect(events: AsyncIterable<LlmStreamEvent>, into: LlmStreamEvent[] = []): Promise<LlmStreamEvent[]> {
  for await (const event of events) into.push(event);
  return into;
}

export async function failure(call: Promise<unknown>): Promise<LlmProviderError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof LlmProviderError)) throw new Error(`expected an LlmProviderError, got ${String(error)}`);
  return error;
}

/** Everything about an error that can reach a log line or a response, its cause aside. */
export const visible = (e: LlmProviderError) =>
  `${String(e)} ${JSON.stringify({ name: e.name, message: e.message, kind: e.kind, details: { ...e.details, cause: undefined } })}`;

type ApiKey = () => Promise<string | undefined>;

export interface VendorSuite {
  /** The provider's name as errors report it. */
  readonly vendor: string;
  /** Read lazily: the fake starts in the test file's beforeAll. */
  readonly fake: () => FakeServer;
  readonly provider: (apiKey?: ApiKey, baseURL?: string) => LlmProvider;
  readonly request: (overrides?: Partial<LlmRequest>) => LlmRequest;
  /** The base URL the adapter expects for a server on this port. */
  readonly baseUrlForPort: (port: number) => string;
  /** The key as the vendor's SDK sent it. */
  readonly sentKey: (headers: Readonly<Record<string, string>>) => string | undefined;
  /** Two keys in the vendor's format, for the rotation test. */
  readonly rotation: readonly [string, string];
  readonly statuses: readonly (readonly [number, LlmErrorKind])[];
  readonly canary: string;
  /** Upstream error bodies that echo the key, as this vendor words them. */
  readonly echoingErrors: readonly (readonly [string, FakeBehaviour])[];
  /** How many chunks the cut-off stream of the transport canary test delivers first. */
  readonly cutAfterChunks: number;
}

export function describeVendorFaults(s: VendorSuite): void {
  const fake = () => s.fake();
  const provider = (apiKey?: ApiKey, baseURL?: string) => s.provider(apiKey, baseURL);
  const request = s.request;

  describe(`${s.vendor} faults`, () => {
    it('classifies 429 with Retry-After as rate-limited, with one upstream request (no SDK retries)', async () => {
      fake().script({ kind: 'status', status: 429, headers: { 'retry-after': '2' } });
      const error = await failure(provider().generate(request()));
      expect(error).toMatchObject({ kind: 'rate-limited', isRetryable: true, details: { provider: s.vendor, status: 429, retryAfterMs: 2000 } });
      expect(fake().requests).toHaveLength(1);
    });

    it.each(s.statuses)('classifies HTTP %i as %s, with one upstream request', async (status, kind) => {
      fake().script({ kind: 'status', status }, { kind: 'status', status });
      expect(await failure(provider().generate(request()))).toMatchObject({ kind, details: { status } });
      expect(await failure(collect(provider().stream(request())))).toMatchObject({ kind, details: { status } });
      expect(fake().requests).toHaveLength(2);
    });

    it.each(['generate', 'stream'] as const)('%s: a server that never answers times out on the caller’s signal, well under 1 s', async (mode) => {
      fake().script({ kind: 'hang' });
      const started = Date.now();
      const signal = AbortSignal.timeout(300);
      const call = mode === 'generate' ? provider().generate(request({ signal })) : collect(provider().stream(request({ signal })));
      expect((await failure(call)).kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(900);
    });

    it.each(['generate', 'stream'] as const)('%s: a body that drips in still ends at the deadline', async (mode) => {
      fake().script({ kind: 'drip', bytesPerSecond: 40 });
      const started = Date.now();
      const signal = AbortSignal.timeout(300);
      const call = mode === 'generate' ? provider().generate(request({ signal })) : collect(provider().stream(request({ signal })));
      expect((await failure(call)).kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(900);
    });

    it('does not call out at all when the signal has already fired', async () => {
      const signal = AbortSignal.abort();
      expect((await failure(provider().generate(request({ signal })))).kind).toBe('timeout');
      expect((await failure(collect(provider().stream(request({ signal }))))).kind).toBe('timeout');
      expect(fake().requests).toHaveLength(0);
    });

    it('classifies a refused connection as unavailable', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      const error = await failure(provider(undefined, s.baseUrlForPort(port)).generate(request()));
      expect(error).toMatchObject({ kind: 'unavailable', message: `${s.vendor} connection failed (ECONNREFUSED)` });
    });
  });

  describe(`${s.vendor} credentials`, () => {
    it('fails as auth, without calling out, when no key is configured', async () => {
      const error = await failure(provider(async () => undefined).generate(request()));
      expect(error).toMatchObject({ kind: 'auth', isRetryable: false });
      expect(error.message).toMatch(/no API key/);
      expect(fake().requests).toHaveLength(0);
    });

    it('fails as unavailable when the key cannot be read', async () => {
      const error = await failure(provider(() => Promise.reject(new Error('secret store down'))).generate(request()));
      expect(error.kind).toBe('unavailable');
    });

    it('sends a rotated key on the next request', async () => {
      const [first, second] = s.rotation;
      const keys = [first, second, second];
      const rotating = provider(async () => keys.shift());
      for (let i = 0; i < 3; i++) await rotating.generate(request());
      expect(fake().requests.map((r) => s.sentKey(r.headers))).toEqual([first, second, second]);
    });

    it.each(s.echoingErrors)('never puts the key in the message of a %s error, though the upstream body echoes it', async (_, behaviour) => {
      fake().script(behaviour, behaviour);
      const canary = provider(async () => s.canary);
      for (const error of [await failure(canary.generate(request())), await failure(collect(canary.stream(request())))]) {
        expect(visible(error)).not.toContain(s.canary);
        expect(String(error.details.cause)).toContain(s.canary);
      }
    });

    it('never puts the key in the message of a transport failure', async () => {
      fake().script({ kind: 'hang' }, { kind: 'cut-stream', afterChunks: s.cutAfterChunks }, { kind: 'malformed' }, { kind: 'stream-error-after-headers' });
      const canary = provider(async () => s.canary);
      const errors = [
        await failure(canary.generate(request({ signal: AbortSignal.timeout(100) }))),
        await failure(collect(canary.stream(request()))),
        await failure(canary.generate(request())),
        await failure(collect(canary.stream(request()))),
      ];
      expect(errors.map((e) => e.kind)).toEqual(['timeout', 'unavailable', 'invalid-response', 'unavailable']);
      for (const error of errors) expect(visible(error)).not.toContain(s.canary);
    });
  });
}
