import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CastVote } from '../../../ports/feedback-repo';
import { toFeedbackItem } from './feedback-item';
import { SAYING_ENTITY, VOTED_PK } from './saying-item';
import { FEEDBACK, SAYINGS } from './table-design';

/**
 * One transaction for votes on one saying: item 0 ADDs their sum to the saying's counters (only if the saying
 * exists), items 1…n put each vote's record under its idempotency key (only if the key is new). Either every
 * record and the whole sum are written, or nothing is; the cancellation reasons come back in the same order.
 *
 * No ClientRequestToken: the conditional put on the idempotency key already makes every re-send (the SDK's
 * or the client's) count once, for longer than a token's 10 minutes (ADR 0010).
 */
export function voteTransaction(sayingsTable: string, feedbackTable: string, sayingId: string, votes: readonly CastVote[]): TransactWriteCommand {
  const up = votes.filter((v) => v.record.feedbackType === 'POSITIVE').length;
  return new TransactWriteCommand({
    TransactItems: [
      {
        Update: {
          TableName: sayingsTable,
          Key: { [SAYINGS.pk]: sayingId },
          // if_not_exists: the saying joins the voted index on its first vote and is never rewritten there again.
          UpdateExpression: 'ADD #up :up, #down :down SET #v = if_not_exists(#v, :voted)',
          ConditionExpression: '#e = :saying',
          ExpressionAttributeNames: { '#up': 'upvotes', '#down': 'downvotes', '#v': SAYINGS.votedPk, '#e': 'entity' },
          ExpressionAttributeValues: { ':up': up, ':down': votes.length - up, ':voted': VOTED_PK, ':saying': SAYING_ENTITY },
        },
      },
      ...votes.map((vote) => ({
        Put: {
          TableName: feedbackTable,
          Item: toFeedbackItem(vote.record, vote.fingerprint),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': FEEDBACK.pk },
        },
      })),
    ],
  });
}
