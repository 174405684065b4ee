import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  readonly requestId: string;
}

/** Carries the current request's id to every log line written while serving it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
