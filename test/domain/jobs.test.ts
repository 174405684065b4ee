import fc from 'fast-check';
import { idempotentJobId, jobRequestFingerprint } from '../../src/domain/jobs/idempotency';
import { markDuplicates } from '../../src/domain/jobs/duplicates';
import { ITEM_SIZE, newItem, sayingIdFor, type ItemGeneration, type Job, type JobItem } from '../../src/domain/jobs/job';
import { decodeJobMessage, encodeJobMessage } from '../../src/domain/jobs/message';
import { planItems } from '../../src/domain/jobs/plan';
import { isLastDelivery, retryDelayMs } from '../../src/domain/jobs/retry-policy';
import { summarizeJob } from '../../src/domain/jobs/summary';
import { jobIdSchema } from '../../src/entrypoints/http/routes/jobs/job-schemas';
import { normalizeText } from '../../src/domain/sayings/saying';
import { cycling, randomValues } from './arbitraries';

const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const request = fc.record({
  count: fc.integer({ min: 1, max: 1_000 }),
  models: fc.uniqueArray(key, { minLength: 1, maxLength: 6 }),
  services: fc.uniqueArray(key, { minLength: 1, maxLength: 70 }),
});

describe('planItems', () => {
  it('one slot per saying asked for, at most ITEM_SIZE per item, indices 0…n-1, services in order, models round-robin', () => {
    fc.assert(
      fc.property(request, (r) => {
        const items = planItems(r);
        expect(items.reduce((n, i) => n + i.serviceIds.length, 0)).toBe(r.count);
        expect(items).toHaveLength(Math.ceil(r.count / ITEM_SIZE));
        items.forEach((item, i) => {
          expect(item.index).toBe(i);
          expect(item.serviceIds.length).toBeGreaterThan(0);
          expect(item.serviceIds.length).toBeLessThanOrEqual(ITEM_SIZE);
          expect(item.model).toBe(r.models[i % r.models.length]);
        });
        expect(items.flatMap((i) => i.serviceIds)).toEqual(Array.from({ length: r.count }, (_, k) => r.services[k % r.services.length]));
      }),
      { numRuns: 40 },
    );
  });

  it('an enrich job (count = services) asks for every service exactly once', () => {
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 200 }), fc.uniqueArray(key, { minLength: 1, maxLength: 4 }), (services, models) => {
        const slots = planItems({ count: services.length, models, services }).flatMap((i) => i.serviceIds);
        expect([...slots].sort()).toEqual([...services].sort());
      }),
    );
  });
});

describe('sayingIdFor', () => {
  it('is a function of job, item and position and tells every triple apart', () => {
    const triple = fc.tuple(fc.uuid({ version: 4 }), fc.nat(400), fc.nat(3));
    fc.assert(
      fc.property(triple, triple, ([j1, i1, p1], [j2, i2, p2]) => {
        expect(sayingIdFor(j1, i1, p1)).toBe(sayingIdFor(j1, i1, p1));
        const same = j1 === j2 && i1 === i2 && p1 === p2;
        expect(sayingIdFor(j1, i1, p1) === sayingIdFor(j2, i2, p2)).toBe(same);
        expect(sayingIdFor(j1, i1, p1).length).toBeLessThanOrEqual(128);
      }),
    );
  });
});

describe('markDuplicates', () => {
  it('keeps no two texts alike and none already known; keeps the first of equal texts', () => {
    const text = fc.constantFrom('S3 stores it.', 's3 STORES it!', 'Lambda runs it.', 'EC2 hosts it.', '  lambda   runs it ', '');
    fc.assert(
      fc.property(fc.array(text, { maxLength: 12 }), fc.uniqueArray(text.map(normalizeText), { maxLength: 3 }), (texts, known) => {
        const flags = markDuplicates(texts, new Set(known));
        const kept = texts.filter((_, i) => !flags[i]).map(normalizeText);
        expect(new Set(kept).size).toBe(kept.length);
        for (const k of kept) expect(known).not.toContain(k);
        for (const k of kept) expect(k).not.toBe('');
        // Every dropped text has a reason: known, empty, or an earlier text like it.
        texts.forEach((t, i) => {
          if (!flags[i]) return;
          const n = normalizeText(t);
          expect(n === '' || known.includes(n) || texts.slice(0, i).some((e) => normalizeText(e) === n)).toBe(true);
        });
      }),
    );
  });
});

describe('retryDelayMs (exponential backoff with full jitter on the receive count)', () => {
  const policy = fc.record({ baseMs: fc.integer({ min: 0, max: 10_000 }), capMs: fc.integer({ min: 0, max: 600_000 }) });
  it('lies in [0, min(cap, base·2^(n-1))], never under a Retry-After, and is 0 for what retrying cannot fix', () => {
    fc.assert(
      fc.property(policy, fc.integer({ min: 1, max: 40 }), fc.option(fc.nat(120_000), { nil: undefined }), randomValues, (p, n, retryAfter, values) => {
        const delay = retryDelayMs(n, true, retryAfter, p, cycling(values));
        const ceiling = Math.min(p.capMs, p.baseMs * 2 ** (n - 1));
        expect(delay).toBeGreaterThanOrEqual(retryAfter ?? 0);
        expect(delay).toBeLessThanOrEqual(Math.max(ceiling, retryAfter ?? 0));
        expect(Number.isInteger(delay)).toBe(true);
        expect(retryDelayMs(n, false, retryAfter, p, cycling(values))).toBe(0);
      }),
    );
  });

  it('its ceiling grows with the receive count until the cap: a later retry may wait longer, never a shorter maximum', () => {
    fc.assert(
      fc.property(policy, fc.integer({ min: 1, max: 39 }), (p, n) => {
        const top = (k: number) => retryDelayMs(k, true, undefined, p, () => 0.999_999_999);
        expect(top(n + 1)).toBeGreaterThanOrEqual(top(n));
        expect(top(n)).toBeLessThanOrEqual(p.capMs);
      }),
    );
  });

  it('the last delivery is the one whose receive count reaches maxReceiveCount', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (n, max) => expect(isLastDelivery(n, { maxReceiveCount: max })).toBe(n >= max)));
  });
});

describe('job messages', () => {
  it('decode what they encode, and nothing else is a job message', () => {
    fc.assert(fc.property(fc.uuid({ version: 4 }), fc.nat(100_000), (jobId, item) => expect(decodeJobMessage(encodeJobMessage({ jobId, item }))).toEqual({ jobId, item })));
    for (const body of ['', 'null', '[]', '{"jobId":"a","item":1}', '{"v":1,"jobId":"","item":1}', '{"v":1,"jobId":"a","item":-1}', '{"v":1,"jobId":"a","item":1.5}']) {
      expect(decodeJobMessage(body)).toBeUndefined();
    }
  });
});

const generation = (n: number, dupes: number, cost: number, tokens: [number, number]): ItemGeneration => ({
  texts: Array.from({ length: n }, (_, i) => ({ sayingId: `s${i}`, text: `text ${i}`, serviceId: 's3', duplicate: i < dupes })),
  vendor: 'openai',
  model: 'gpt-4.1',
  provider: 'offline',
  offline: true,
  inputTokens: tokens[0],
  outputTokens: tokens[1],
  costNano: cost,
  estimated: false,
  llmTimeMs: 5,
  at: 2,
});

const itemArb = fc.record({
  size: fc.integer({ min: 1, max: 3 }),
  status: fc.constantFrom('pending', 'succeeded', 'failed') as fc.Arbitrary<JobItem['status']>,
  attempts: fc.nat(6),
  texts: fc.integer({ min: 0, max: 3 }),
  dupes: fc.nat(3),
  cost: fc.nat(10_000_000),
  tokens: fc.tuple(fc.nat(5_000), fc.nat(5_000)),
  hasGeneration: fc.boolean(),
});

type ItemSpec = typeof itemArb extends fc.Arbitrary<infer T> ? T : never;

function jobOf(specs: readonly ItemSpec[]): Job {
  const items = specs.map((s, index): JobItem => {
    const withGen = s.hasGeneration || s.status === 'succeeded';
    return {
      ...newItem(index, 'gpt-4.1', Array.from({ length: s.size }, () => 's3'), 1),
      status: s.status,
      attempts: s.status === 'pending' ? s.attempts : Math.max(1, s.attempts),
      generation: withGen ? generation(s.texts, Math.min(s.dupes, s.texts), s.cost, s.tokens) : undefined,
      lastError: s.status === 'succeeded' ? undefined : { code: 'x', message: 'x', attempt: 1, at: 1, final: s.status === 'failed' },
    };
  });
  return { header: { id: 'job', request: { type: 'generate', count: 0, models: [], services: [] }, createdAt: 1, itemCount: items.length, expiresAt: 9 }, items };
}

describe('summarizeJob', () => {
  it('progress is exact: done counts settled slots once, done = total exactly when the status is terminal', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 40 }), (specs) => {
        const job = jobOf(specs);
        const s = summarizeJob(job);
        const slots = (f: (i: JobItem) => boolean) => job.items.filter(f).reduce((n, i) => n + i.serviceIds.length, 0);
        expect(s.progress.total).toBe(slots(() => true));
        expect(s.progress.done).toBe(slots((i) => i.status !== 'pending'));
        expect(s.progress.failed).toBe(slots((i) => i.status === 'failed'));
        expect(s.progress.done).toBeLessThanOrEqual(s.progress.total);
        const terminal = ['succeeded', 'failed', 'partially_failed'].includes(s.status);
        expect(terminal).toBe(s.progress.done === s.progress.total);
        if (s.status === 'succeeded') expect(s.progress.failed).toBe(0);
        if (s.status === 'failed') expect(s.progress.failed).toBe(s.progress.total);
        if (s.status === 'queued') expect(job.items.every((i) => i.attempts === 0 && i.status === 'pending')).toBe(true);
      }),
    );
  });

  it('results: sayings are the succeeded items’ kept texts; tokens and cost add up exactly over kept generations', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 40 }), (specs) => {
        const job = jobOf(specs);
        const s = summarizeJob(job);
        const succeeded = job.items.filter((i) => i.status === 'succeeded');
        const texts = succeeded.flatMap((i) => i.generation?.texts ?? []);
        expect(s.results.added).toBe(texts.filter((t) => !t.duplicate).length);
        expect(s.results.duplicatesDropped).toBe(texts.filter((t) => t.duplicate).length);
        const gens = job.items.flatMap((i) => (i.generation ? [i.generation] : []));
        expect(s.results.costNano).toBe(gens.reduce((n, g) => n + (g.costNano ?? 0), 0));
        expect(s.results.tokens).toBe(gens.reduce((n, g) => n + (g.inputTokens ?? 0) + (g.outputTokens ?? 0), 0));
        expect(s.errors.map((e) => e.item)).toEqual(job.items.filter((i) => i.status !== 'succeeded' && i.lastError).map((i) => i.index));
      }),
    );
  });

  it('summarising the same item states twice (a redelivery changes no state) gives the same figures', () => {
    fc.assert(fc.property(fc.array(itemArb, { minLength: 1, maxLength: 10 }), (specs) => expect(summarizeJob(jobOf(specs))).toEqual(summarizeJob(jobOf(specs)))));
  });
});

describe('jobs named by an Idempotency-Key', () => {
  it('every key names one job id, the same on every call and every instance, in the shape GET /jobs/{id} accepts', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 128 }), (idempotencyKey) => {
        const id = idempotentJobId(idempotencyKey);
        expect(id).toBe(idempotentJobId(idempotencyKey));
        expect(jobIdSchema.safeParse(id).success).toBe(true);
        // RFC 9562: version 8, variant 10.
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }),
    );
  });

  it('different keys name different jobs, and no key reveals itself in the id', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ minLength: 1, maxLength: 64 }), (a, b) => {
        fc.pre(a !== b);
        expect(idempotentJobId(a)).not.toBe(idempotentJobId(b));
      }),
    );
    expect(idempotentJobId('00000000-0000-4000-8000-000000000000')).not.toContain('0000-4000-8000');
  });

  it('a request fingerprint ignores key order and omitted fields, and sees every value', () => {
    const base = { type: 'generate', count: 3, models: ['haiku'], services: undefined };
    expect(jobRequestFingerprint(base)).toBe(jobRequestFingerprint({ services: undefined, models: ['haiku'], count: 3, type: 'generate' }));
    expect(jobRequestFingerprint(base)).toBe(jobRequestFingerprint({ type: 'generate', count: 3, models: ['haiku'] }));
    for (const other of [{ ...base, count: 4 }, { ...base, models: ['sonnet'] }, { ...base, models: undefined }, { ...base, services: ['s3'] }, { ...base, type: 'enrich' }]) {
      expect(jobRequestFingerprint(other)).not.toBe(jobRequestFingerprint(base));
    }
  });
});
