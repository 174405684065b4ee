import type { RateLimiter, RatePolicy } from '../../ports/rate-limiter';
import type { ChatRateLimited } from './chat-views';

/** Every chat action takes one token from the client's bucket; the refusal says when to come back. */
export async function takeChatToken(limiter: RateLimiter, clientId: string, rate: RatePolicy): Promise<ChatRateLimited | undefined> {
  const decision = await limiter.take(`chat:${clientId}`, rate);
  if (decision.allowed) return undefined;
  return { code: 'rate_limited', message: 'Too many chat requests from this client; wait and try again.', retryAfterMs: decision.retryAfterMs };
}
