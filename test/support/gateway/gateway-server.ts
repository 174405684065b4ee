import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RedisHandle } from '../../../src/entrypoints/container/cache-and-limits';
import { TOKENS } from '../../../src/entrypoints/container/tokens';
import { createLocalApp } from '../../../src/entrypoints/local/local-app';
import { TestGatewayKeys, type KeySpec } from './test-gateway-keys';

/*
 * The local server with the gateway mounted on the test GatewayKeys, for tests that need separate processes (two
 * instances sharing one Redis) and for `npm run bench:gateway`. Bundled by esbuild, run with node. Everything but
 * the keys is the real composition: config from the environment (REDIS_URL gives the real RedisRateLimiter and
 * RedisCacheStore), providers, use cases, routes, door.
 *
 *   GATEWAY_TEST_KEYS='[{"key":"cs_test_a","keyId":"a","rpm":10}]' PORT=0 node gateway-server.js
 *
 * Prints one JSON line `{"msg":"listening","url":…}` once it listens; SIGTERM closes it.
 */
async function main(): Promise<void> {
  const keys = new TestGatewayKeys();
  const specs = JSON.parse(process.env.GATEWAY_TEST_KEYS ?? '[]') as (KeySpec & { key: string })[];
  for (const { key, ...spec } of specs) keys.register(key, spec);
  const local = await createLocalApp({
    env: process.env,
    inMemory: true,
    configure: (c) => void c.rebind(TOKENS.GatewayKeys).toConstantValue(keys),
  });
  // With REDIS_URL, listen only once the connection is ready: earlier requests would be decided per process.
  const redis = local.container.get<RedisHandle>(TOKENS.Redis).client;
  while (redis && redis.status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 20));
  const server = createServer(local.listener);
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` })}\n`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void local.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
