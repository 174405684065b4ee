/**
 * A retry budget (as in Finagle and gRPC): every request deposits `ratio` of a token, every retry
 * spends one, and the balance never exceeds `cap`. Retries can then add at most `ratio` × requests
 * (plus the initial `cap`) to upstream traffic, however badly the upstream fails.
 */
export interface RetryBudgetPolicy {
  readonly ratio: number;
  readonly cap: number;
}

export type RetryBudget = number;

export const initialBudget = (policy: RetryBudgetPolicy): RetryBudget => policy.cap;

export function depositRequest(policy: RetryBudgetPolicy, budget: RetryBudget): RetryBudget {
  return Math.min(policy.cap, budget + policy.ratio);
}

export function trySpendRetry(budget: RetryBudget): { readonly allowed: boolean; readonly budget: RetryBudget } {
  return budget >= 1 ? { allowed: true, budget: budget - 1 } : { allowed: false, budget };
}
