import type { RateLimiter } from '../../src/ports/rate-limiter';
import { ManualClock } from './support';

/** The RateLimiter contract; the limiter must read time from the clock it is given. */
export function rateLimiterContract(name: string, make: (clock: ManualClock) => Promise<{ limiter: RateLimiter; close(): Promise<void> }>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    const policy = { limit: 5, windowMs: 60_000 };
    let clock: ManualClock;
    let limiter: RateLimiter;
    let close: () => Promise<void>;
    beforeEach(async () => {
      clock = new ManualClock();
      ({ limiter, close } = await make(clock));
    });
    afterEach(() => close());

    async function drain(key: string): Promise<number> {
      let allowed = 0;
      for (let i = 0; i < 50; i++) if ((await limiter.take(key, policy)).allowed) allowed++;
      return allowed;
    }

    it('allows `limit` requests, then denies with a positive retryAfterMs', async () => {
      for (let i = 0; i < policy.limit; i++) {
        const d = await limiter.take('client', policy);
        expect(d).toMatchObject({ allowed: true, limit: 5, remaining: policy.limit - 1 - i, retryAfterMs: 0 });
      }
      const denied = await limiter.take('client', policy);
      expect(denied).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(policy.windowMs);
    });

    it('refills over the window', async () => {
      expect(await drain('client')).toBe(5);
      const denied = await limiter.take('client', policy);
      clock.advance(denied.retryAfterMs);
      expect((await limiter.take('client', policy)).allowed).toBe(true);
      expect((await limiter.take('client', policy)).allowed).toBe(false);
      clock.advance(policy.windowMs);
      expect(await drain('client')).toBe(5);
    });

    it('gives back tokens taken for work that was not done, never above the limit', async () => {
      expect(await drain('client')).toBe(5);
      await limiter.giveBack('client', policy, 3);
      expect(await drain('client')).toBe(3);
      await limiter.giveBack('client', policy, 100);
      expect(await drain('client')).toBe(5);
      await limiter.giveBack('client', policy, 0);
      expect((await limiter.take('client', policy)).allowed).toBe(false);
    });

    it('gives nothing to a bucket nobody took from: it is full already', async () => {
      await limiter.giveBack('untouched', policy, 10);
      expect(await drain('untouched')).toBe(5);
      expect(await drain('other')).toBe(5);
    });

    it('keeps separate keys independent', async () => {
      expect(await drain('alice')).toBe(5);
      expect(await drain('bob')).toBe(5);
      expect((await limiter.take('alice', policy)).allowed).toBe(false);
    });

    it('never grants extra when the clock goes backwards', async () => {
      expect(await drain('client')).toBe(5);
      clock.advance(-10 * policy.windowMs);
      const denied = await limiter.take('client', policy);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      // Coming back to the original time refills nothing either: no time has really passed.
      clock.advance(10 * policy.windowMs);
      expect((await limiter.take('client', policy)).allowed).toBe(false);
      // The clock zig-zags but reaches only 30 s past the drain: at most 30 s worth (2.5) of tokens come back.
      let granted = 0;
      for (let step = 0; step < 12; step++) {
        clock.advance(step % 2 === 0 ? -7_000 : 12_000);
        if ((await limiter.take('client', policy)).allowed) granted++;
      }
      expect(granted).toBeLessThanOrEqual(2);
    });

    it('takes N tokens at once and says what is left and when the bucket is full again', async () => {
      const tpm = { limit: 100, windowMs: 60_000 };
      expect(await limiter.take('tokens', tpm, 0)).toMatchObject({ allowed: true, limit: 100, remaining: 100, retryAfterMs: 0, resetMs: 0 });
      const first = await limiter.take('tokens', tpm, 30);
      expect(first).toMatchObject({ allowed: true, remaining: 70, retryAfterMs: 0 });
      expect(first.resetMs).toBeGreaterThan(0);
      expect(first.resetMs).toBeLessThanOrEqual(0.3 * tpm.windowMs + 1);
      expect(await limiter.take('tokens', tpm, 70)).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await limiter.take('tokens', tpm, 1);
      expect(denied).toMatchObject({ allowed: false, remaining: 0 });
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.resetMs).toBeLessThanOrEqual(tpm.windowMs);
    });

    it('refuses a take larger than what is left, taking nothing', async () => {
      const tpm = { limit: 10, windowMs: 60_000 };
      expect(await limiter.take('tokens', tpm, 7)).toMatchObject({ allowed: true, remaining: 3 });
      const denied = await limiter.take('tokens', tpm, 5);
      expect(denied).toMatchObject({ allowed: false, remaining: 3 });
      // Two tokens short at 10 a minute: about 12 s.
      expect(denied.retryAfterMs).toBeGreaterThan(11_000);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(12_001);
      expect(await limiter.take('tokens', tpm, 3)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('never allows one take of more than the limit, even from a full bucket', async () => {
      const tpm = { limit: 10, windowMs: 60_000 };
      const denied = await limiter.take('tokens', tpm, 11);
      expect(denied).toMatchObject({ allowed: false, remaining: 10 });
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(await limiter.take('tokens', tpm, 10)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('takeAll takes from every bucket or from none', async () => {
      const rpm = { limit: 5, windowMs: 60_000 };
      const tpm = { limit: 100, windowMs: 60_000 };
      const both = (tokens: number) => limiter.takeAll([{ key: 'k:rpm', policy: rpm, tokens: 1 }, { key: 'k:tpm', policy: tpm, tokens }]);
      const first = await both(60);
      expect(first.allowed).toBe(true);
      expect(first.decisions).toMatchObject([{ allowed: true, limit: 5, remaining: 4 }, { allowed: true, limit: 100, remaining: 40 }]);
      const refused = await both(60);
      expect(refused.allowed).toBe(false);
      // The request bucket had enough, but nothing was taken from it.
      expect(refused.decisions).toMatchObject([{ allowed: true, remaining: 4, retryAfterMs: 0 }, { allowed: false, remaining: 40 }]);
      expect(refused.decisions[1]?.retryAfterMs).toBeGreaterThan(0);
      const last = await both(40);
      expect(last).toMatchObject({ allowed: true, decisions: [{ remaining: 3 }, { remaining: 0 }] });
      expect(await limiter.take('k:rpm', rpm)).toMatchObject({ allowed: true, remaining: 2 });
    });

    it('grants exactly the tokens there are to concurrent takes', async () => {
      const tpm = { limit: 100, windowMs: 60_000 };
      const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter.take('tokens', tpm, 10)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
      const combined = await Promise.all(
        Array.from({ length: 12 }, () => limiter.takeAll([{ key: 'c:rpm', policy: { limit: 4, windowMs: 60_000 }, tokens: 1 }, { key: 'c:tpm', policy: tpm, tokens: 30 }])),
      );
      expect(combined.filter((d) => d.allowed)).toHaveLength(3);
    });
  });
}
