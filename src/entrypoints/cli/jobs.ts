import 'reflect-metadata';
import { CryptoRandomSource } from '../../adapters/system/crypto-random-source';
import { SystemClock } from '../../adapters/system/system-clock';
import { createRedisClient } from '../../adapters/redis/redis-client';
import { loadLocalConfig } from '../config/app-config';
import { chooseQueue } from '../config/jobs-config';
import { createJobQueue } from '../container/jobs-bindings';
import { integer, parse, runCli, UsageError } from './cli-support';

const USAGE = `Usage: npm run jobs -- dlq list [--max <n>] [--json]
       npm run jobs -- dlq redrive
       npm run jobs -- queue depth

Works on the jobs queue the environment names, as the servers do: REDIS_URL (with JOBS_QUEUE_NAME, and
APP_ENV for a deployment's keys; local by default) or JOBS_QUEUE_URL and JOBS_DLQ_URL (SQS, with the AWS
credentials of your shell). The in-process queue of a plain \`npm start\` lives inside the server: its
dead-lettered items show in GET /jobs/{id} as errors with "final": true.

  dlq list       the dead-lettered job messages (SQS: a sample; SQS cannot list)
  dlq redrive    move them all back to the queue, each with a fresh receive count
  queue depth    messages waiting, in flight and dead`;

async function main(): Promise<number> {
  const { values, positionals } = parse(process.argv.slice(2), { max: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command = positionals.join(' ');
  if (!['dlq list', 'dlq redrive', 'queue depth'].includes(command)) throw new UsageError(command === '' ? 'no command given' : `unknown command "${command}"`);
  const max = integer(values.max, 'max', 1, 1_000) ?? 50;
  const config = loadLocalConfig(process.env);
  const choice = chooseQueue(config);
  if ('problem' in choice) throw new UsageError(choice.problem);
  if (choice.kind === 'memory') throw new UsageError('no shared queue is configured: set REDIS_URL, or JOBS_QUEUE_URL and JOBS_DLQ_URL');
  const redis = config.REDIS_URL === undefined ? undefined : createRedisClient(config.REDIS_URL, { commandTimeoutMs: 5_000, connectionName: 'cloud-sayings-cli' });
  try {
    if (redis) await ready(redis, config.REDIS_URL ?? '');
    const queue = createJobQueue(config, { clock: new SystemClock(), random: new CryptoRandomSource(), redis: { client: redis, keyPrefix: config.REDIS_KEY_PREFIX ?? `cs:${process.env.APP_ENV ?? 'local'}:` } });
    if (command === 'queue depth') {
      const depth = await queue.depth();
      process.stdout.write(values.json ? `${JSON.stringify(depth)}\n` : `waiting: ${depth.waiting}\nin flight: ${depth.inFlight}\ndead letters: ${depth.deadLetters}\n`);
      return 0;
    }
    if (command === 'dlq list') {
      const listing = await queue.listDeadLetters(max);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(listing)}\n`);
        return 0;
      }
      process.stdout.write(`dead letters: ${listing.count}${listing.messages.length < listing.count ? ` (showing ${listing.messages.length})` : ''}\n`);
      for (const m of listing.messages) {
        const what = m.message ? `job ${m.message.jobId} item ${m.message.item}` : `unreadable body ${JSON.stringify(m.rawBody.slice(0, 80))}`;
        const when = m.deadLetteredAt === undefined ? '' : ` at ${new Date(m.deadLetteredAt).toISOString()}`;
        process.stdout.write(`  ${m.messageId}  ${what}  received ${m.receiveCount}×${when}\n`);
      }
      return 0;
    }
    const outcome = await queue.redrive();
    process.stdout.write(
      outcome.kind === 'moved'
        ? `redriven: ${outcome.moved} message(s) back on the queue\n`
        : `redrive started: SQS move task ${outcome.taskId} (about ${outcome.approximateCount} message(s)); run again to see it while it runs\n`,
    );
    return 0;
  } finally {
    redis?.disconnect();
  }
}

/** ioredis reconnects forever; a CLI gives up after a few seconds with a clear message. */
async function ready(redis: ReturnType<typeof createRedisClient>, url: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`Redis at ${new URL(url).host} is not reachable`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

runCli(USAGE, main);
