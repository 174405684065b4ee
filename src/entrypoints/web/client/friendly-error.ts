import { ApiError } from './api';

export interface FriendlyError {
  readonly title: string;
  readonly detail: string;
}

/** What a person should read when a call fails: what happened and what to do, never a stack trace. */
export function friendlyError(error: unknown): FriendlyError {
  if (!(error instanceof ApiError)) return { title: 'Something went wrong in this page.', detail: 'Reload the page and try again.' };
  const retry = error.retryAfterSeconds === undefined ? 'in a few seconds' : `in ${error.retryAfterSeconds} s`;
  switch (error.code) {
    case 'network':
      return { title: 'Could not reach the server.', detail: 'Check your connection, then try again.' };
    case 'timeout':
      return { title: 'The server is taking too long.', detail: 'The models may be busy. Try again in a moment.' };
    case 'no_saying_available':
      return { title: 'No saying is available right now.', detail: `Every source is busy or unreachable. Try again ${retry}.` };
    case 'rate_limited':
      return { title: 'You are voting very fast.', detail: `Take a breath and try again ${retry}.` };
    case 'saying_not_found':
      return { title: 'This saying can no longer be voted on.', detail: 'Get a new saying and vote on that one.' };
    case 'storage_unavailable':
      return { title: 'Storage is unavailable right now.', detail: `Nothing was lost. Try again ${retry}.` };
    default:
      if (error.status >= 500 || error.status === 0) return { title: 'The server had a problem.', detail: `${error.message} Try again ${retry}.` };
      return { title: 'The request was not accepted.', detail: error.message };
  }
}
