import { InMemoryJobQueue } from '../../src/adapters/memory/in-memory-job-queue';
import { InMemoryRateLimiter } from '../../src/adapters/memory/in-memory-rate-limiter';
import { InMemoryJobRepo } from '../../src/adapters/memory/in-memory-job-repo';
import { InMemoryMetricsSink } from '../../src/adapters/memory/in-memory-metrics-sink';
import { InMemorySayingRepo } from '../../src/adapters/memory/in-memory-saying-repo';
import { InMemoryUsageLedger } from '../../src/adapters/memory/in-memory-usage-ledger';
import { MemoryState } from '../../src/adapters/memory/memory-state';
import { CryptoRandomSource } from '../../src/adapters/system/crypto-random-source';
import { JobItemProcessor } from '../../src/application/jobs/job-item-processor';
import { SubmitJobUseCase } from '../../src/application/jobs/submit-job.use-case';
import { CollectionCache } from '../../src/application/sayings/collection-cache';
import { ModelDirectory } from '../../src/application/sayings/models';
import { SayingGenerator } from '../../src/application/sayings/saying-generator';
import { ServicePicker } from '../../src/application/sayings/service-picker';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { summarizeJob } from '../../src/domain/jobs/summary';
import { AWS_SERVICES } from '../../src/domain/services/aws-services';
import type { Delivery } from '../../src/ports/job-queue';
import { JobRepoError } from '../../src/ports/job-repo';
import { SayingRepoError, type SayingRepo } from '../../src/ports/saying-repo';
import { ManualClock, silentLogger } from '../contracts/support';
import { SwitchableProvider } from './support';

function setup() {
  const clock = new ManualClock();
  const random = new CryptoRandomSource();
  const state = new MemoryState();
  const catalog = buildCatalog();
  const provider = new SwitchableProvider();
  const models = new ModelDirectory(catalog, new Map([...catalog.keys()].map((k) => [k, provider])));
  const repo = new InMemoryJobRepo(state, clock);
  const sayings = new InMemorySayingRepo(state);
  const ledger = new InMemoryUsageLedger(state);
  const queue = new InMemoryJobQueue({ clock, random, visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
  const submit = new SubmitJobUseCase(models, AWS_SERVICES, new ServicePicker(AWS_SERVICES, 24, random), repo, queue, silentLogger, clock, random, new InMemoryRateLimiter(clock), { ttlMs: 86_400_000, sayingsPerClientHour: 2_000 });
  const policy = { baseMs: 1_000, capMs: 60_000, maxReceiveCount: 5 };
  const processor = (over: { sayings?: SayingRepo; repo?: InMemoryJobRepo } = {}) =>
    new JobItemProcessor(
      over.repo ?? repo, models, new SayingGenerator(clock, random, ledger), AWS_SERVICES, new CollectionCache(sayings, clock, 60_000),
      over.sayings ?? sayings, new InMemoryMetricsSink(), silentLogger, clock, { next: () => 0.999_999, uuid: () => random.uuid() }, policy,
    );
  const newJob = async (count: number) => {
    const result = await submit.execute({ type: 'generate', count, models: ['haiku'], services: ['s3', 'lambda', 'sqs'] });
    if (!result.ok) throw new Error(result.error.message);
    return result.value.job.jobId;
  };
  return { clock, state, provider, repo, sayings, ledger, queue, processor, newJob, policy };
}

const storedFor = (state: MemoryState, jobId: string) => [...state.sayings.values()].filter((s) => s.id.startsWith(`job-${jobId}-`));

describe('JobItemProcessor: an item processed twice has one effect', () => {
  it('the same delivery handled by two workers at once: one kept answer, each saying stored once, exact progress', async () => {
    const t = setup();
    const jobId = await t.newJob(3);
    const [d] = await t.queue.receive({ max: 1, waitMs: 0 });
    const p = t.processor();
    const outcomes = await Promise.all([p.process(d!), p.process(d!)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['done', 'done']);
    const job = summarizeJob((await t.repo.get(jobId))!);
    expect(job).toMatchObject({ status: 'succeeded', progress: { done: 3, total: 3 } });
    const stored = storedFor(t.state, jobId);
    expect(stored.map((s) => s.id).sort()).toEqual(job.results.sayings.map((s) => s.sayingId).sort());
    expect(stored.map((s) => s.text).sort()).toEqual(job.results.sayings.map((s) => s.text).sort());
    // A third, late delivery after success does nothing at all.
    const calls = t.provider.calls;
    expect(await p.process({ ...d!, receiveCount: 2 })).toEqual({ kind: 'done', reason: 'already_succeeded' });
    expect(t.provider.calls).toBe(calls);
    expect(summarizeJob((await t.repo.get(jobId))!)).toEqual(job);
  });

  it('a crash after the answer was kept: the redelivery stores exactly that answer, without asking the model again', async () => {
    const t = setup();
    const jobId = await t.newJob(3);
    const [d] = await t.queue.receive({ max: 1, waitMs: 0 });
    let failOnce = true;
    const flaky: SayingRepo = {
      ...t.sayings,
      get: (id) => t.sayings.get(id),
      listCollection: () => t.sayings.listCollection(),
      listVoted: (f) => t.sayings.listVoted(f),
      count: () => t.sayings.count(),
      putIfAbsent: async (s) => {
        await t.sayings.putIfAbsent(s);
        if (failOnce) {
          failOnce = false;
          throw new SayingRepoError('disk went away after the first saying');
        }
      },
    };
    const first = await t.processor({ sayings: flaky }).process(d!);
    expect(first).toMatchObject({ kind: 'retry', failure: { code: 'storage_unavailable', retryable: true } });
    const kept = (await t.repo.getItem(jobId, 0))?.generation;
    expect(kept).toBeDefined();
    expect(t.provider.calls).toBe(1);
    expect(await t.processor().process({ ...d!, receiveCount: 2 })).toEqual({ kind: 'done', reason: 'succeeded' });
    expect(t.provider.calls).toBe(1);
    const job = summarizeJob((await t.repo.get(jobId))!);
    expect(job.results.sayings.map((s) => s.text)).toEqual(kept?.texts.filter((x) => !x.duplicate).map((x) => x.text));
    expect(storedFor(t.state, jobId)).toHaveLength(job.results.added);
    // Two attempts started, one item: progress counts the item once.
    expect(job.progress).toEqual({ done: 3, total: 3, failed: 0, items: { done: 1, total: 1 } });
    expect((await t.repo.getItem(jobId, 0))?.attempts).toBe(2);
  });

  it('a crash before the answer was kept: the model is asked again and only the new answer is stored, under the same ids', async () => {
    const t = setup();
    const jobId = await t.newJob(3);
    const [d] = await t.queue.receive({ max: 1, waitMs: 0 });
    const failing = new InMemoryJobRepo(t.state, t.clock);
    failing.keepGeneration = () => Promise.reject(new JobRepoError('store down'));
    expect((await t.processor({ repo: failing }).process(d!)).kind).toBe('retry');
    expect(storedFor(t.state, jobId)).toHaveLength(0);
    expect(await t.processor().process({ ...d!, receiveCount: 2 })).toMatchObject({ kind: 'done' });
    expect(t.provider.calls).toBe(2);
    const job = summarizeJob((await t.repo.get(jobId))!);
    expect(storedFor(t.state, jobId).map((s) => s.id).sort()).toEqual(job.results.sayings.map((s) => s.sayingId).sort());
    // Both calls cost money and both are in the ledger; the job reports the answer it kept.
    expect((await t.ledger.list({ from: 0, to: Number.MAX_SAFE_INTEGER })).filter((e) => e.channel === 'jobs')).toHaveLength(2);
  });
});

describe('JobItemProcessor: retries', () => {
  it('a retryable failure backs off exponentially with the receive count, up to the cap; the last delivery gives up', async () => {
    const t = setup();
    const jobId = await t.newJob(3);
    const [d] = await t.queue.receive({ max: 1, waitMs: 0 });
    t.provider.broken = true;
    const p = t.processor();
    const delays: number[] = [];
    for (let n = 1; n <= t.policy.maxReceiveCount; n++) {
      const outcome = await p.process({ ...(d as Delivery), receiveCount: n });
      expect(outcome.kind).toBe('retry');
      if (outcome.kind === 'retry') delays.push(outcome.delayMs);
      const item = await t.repo.getItem(jobId, 0);
      expect(item?.lastError).toMatchObject({ code: 'provider_unavailable', attempt: n, final: n === t.policy.maxReceiveCount });
      expect(item?.status).toBe(n === t.policy.maxReceiveCount ? 'failed' : 'pending');
    }
    // random() ≈ 1: each delay is its ceiling, base · 2^(n-1); the last is 0, so the DLQ takes it at once.
    expect(delays).toEqual([999, 1_999, 3_999, 7_999, 0]);
  });
});
