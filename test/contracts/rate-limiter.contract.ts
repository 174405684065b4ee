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
  });
}
