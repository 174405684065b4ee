import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import OpenAI from 'openai';
import type { ChatCompletionUseCase } from '../../../src/application/gateway/chat-completion.use-case';
import { TOKENS } from '../../../src/entrypoints/container/tokens';
import { startAnthropicFake } from '../fakes/anthropic-fake';
import { startOpenAiFake, type FakeServer } from '../fakes/openai-fake';
import { startHarness, type Harness } from '../local-harness';
import { TestGatewayKeys } from './test-gateway-keys';

/** Provider keys the gateway uses upstream: canaries, so that tests can prove they never leak. */
export const UPSTREAM_OPENAI_KEY = 'sk-upstream-canary-openai-0123456789';
export const UPSTREAM_ANTHROPIC_KEY = 'sk-ant-upstream-canary-0123456789';

export interface Gateway {
  readonly harness: Harness;
  readonly keys: TestGatewayKeys;
  /** Serves the OpenAI models (gpt-4.1, gpt-4.1-mini); the Anthropic models go to `anthropic`; Bedrock's are offline. */
  readonly openai: FakeServer;
  readonly anthropic: FakeServer;
  /** `http://127.0.0.1:<port>`: the gateway on a real socket, as the openai SDK needs. */
  readonly url: string;
  /** The official SDK pointed at the gateway, retries off so every status is seen as it is. */
  client(key: string, options?: { maxRetries?: number }): OpenAI;
  /** Waits until every settlement (usage line, key spend) started so far is done: JSON answers settle after they are sent. */
  settled(): Promise<void>;
  /** Every upstream request either fake received. */
  upstreamRequests(): number;
  close(): Promise<void>;
}

export interface GatewayOptions {
  readonly env?: Record<string, string>;
  readonly keys?: TestGatewayKeys;
  readonly configure?: (c: Container) => void;
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const openai = await startOpenAiFake();
  const anthropic = await startAnthropicFake();
  const keys = options.keys ?? new TestGatewayKeys();
  const harness = await startHarness({
    env: {
      OPENAI_API_KEY: UPSTREAM_OPENAI_KEY,
      OPENAI_BASE_URL: openai.url,
      ANTHROPIC_API_KEY: UPSTREAM_ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: anthropic.url,
      GATEWAY_DEFAULT_RPM: '100000',
      GATEWAY_DEFAULT_TPM: '100000000',
      ...options.env,
    },
    configure: (c) => {
      c.rebind(TOKENS.GatewayKeys).toConstantValue(keys);
      options.configure?.(c);
    },
  });
  const server: Server = createServer(harness.local.listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    harness,
    keys,
    openai,
    anthropic,
    url,
    client: (key, o = {}) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: o.maxRetries ?? 0, timeout: 20_000 }),
    settled: () => harness.local.container.get<ChatCompletionUseCase>(TOKENS.GatewayChat).settledAll(),
    upstreamRequests: () => openai.requests.length + anthropic.requests.length,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.close();
      await Promise.all([openai.close(), anthropic.close()]);
    },
  };
}
