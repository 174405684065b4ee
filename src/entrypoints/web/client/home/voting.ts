import { ApiError, sendFeedback } from '../api';
import type { FeedbackType, Saying } from '../api-types';
import { byId, setText, show } from '../dom';
import { friendlyError } from '../friendly-error';
import { formatCount, plural } from '../format';
import { VoteKeys } from '../vote-keys';

type VoteState = 'open' | 'sending' | 'closed';

/** Errors after which trying the same vote again can succeed (and, with the same key, counts once). */
const isRetryable = (error: unknown): boolean =>
  error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500);

/** One vote per saying: the buttons lock while a vote is in flight and for good once it is counted. */
export class Voting {
  private saying: Saying | undefined;
  private state: VoteState = 'closed';
  private readonly keys = new VoteKeys();
  private readonly up = byId<HTMLButtonElement>('vote-up');
  private readonly down = byId<HTMLButtonElement>('vote-down');
  private readonly status = byId('vote-status');

  constructor() {
    for (const button of [this.up, this.down]) {
      button.addEventListener('click', () => void this.vote(button.dataset.vote === 'NEGATIVE' ? 'NEGATIVE' : 'POSITIVE'));
    }
  }

  reset(saying: Saying): void {
    this.saying = saying;
    this.setState('open');
    for (const b of [this.up, this.down]) b.setAttribute('aria-pressed', 'false');
    show(byId('up-count'), false);
    show(byId('down-count'), false);
    this.say('', false);
  }

  private async vote(type: FeedbackType): Promise<void> {
    const saying = this.saying;
    if (!saying || this.state !== 'open') return;
    this.setState('sending');
    this.say('Sending your vote…', false);
    try {
      const result = await sendFeedback(
        {
          sayingId: saying.sayingId,
          saying: saying.saying,
          source: saying.source,
          feedbackType: type,
          executionTime: saying.executionTime,
          isCached: saying.isCached,
          originalLlmTime: saying.originalLlmTime,
        },
        this.keys.keyFor(saying.sayingId, type),
      );
      if (this.saying !== saying) return;
      this.setState('closed');
      (type === 'POSITIVE' ? this.up : this.down).setAttribute('aria-pressed', 'true');
      this.showCounts(result.upvotes, result.downvotes);
      this.say(`Thanks, your vote is counted. This saying now has ${plural(result.upvotes, 'up-vote', 'up-votes')} and ${plural(result.downvotes, 'down-vote', 'down-votes')}.`, false);
    } catch (error) {
      if (this.saying !== saying) return;
      const retry = isRetryable(error);
      this.setState(retry ? 'open' : 'closed');
      const { title, detail } = friendlyError(error);
      this.say(`${title} ${detail}${retry ? ' Your vote was not counted yet: press the button again to retry.' : ''}`, true);
    }
  }

  private showCounts(up: number, down: number): void {
    const upCount = byId('up-count');
    const downCount = byId('down-count');
    setText(upCount, formatCount(up));
    setText(downCount, formatCount(down));
    show(upCount, true);
    show(downCount, true);
  }

  /** aria-disabled, not disabled: the focused button keeps focus, and screen readers still find it. */
  private setState(state: VoteState): void {
    this.state = state;
    for (const b of [this.up, this.down]) {
      if (state === 'open') b.removeAttribute('aria-disabled');
      else b.setAttribute('aria-disabled', 'true');
    }
  }

  private say(text: string, isError: boolean): void {
    setText(this.status, text);
    this.status.classList.toggle('is-error', isError);
  }
}
