import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsJobQueue } from '../../src/adapters/aws/sqs/sqs-job-queue';
import { JobQueueError } from '../../src/ports/job-queue';
import { jobQueueContract } from './job-queue.contract';

/*
 * SQS cannot run here, so the SqsJobQueue meets the contract through aws-sdk-client-mock, backed by the
 * smallest stand-in that lets a case fail: sent messages are kept, a receive hides them, a delete with the
 * current receipt removes them, and `advance` shows every undeleted message again. That proves the adapter's
 * mapping (bodies, receipts, attributes). It cannot prove SQS's own behaviour, which these cases are about:
 * visibility timeouts and receive counts kept by the service, the move to the DLQ after maxReceiveCount (the
 * queue's redrive policy), ChangeMessageVisibility's effect, message move tasks. Those are the cases skipped
 * below; the same suite proves them on Redis and in memory, and test/infra/jobs-stack.test.ts checks that the
 * stack configures SQS for them (redrive policy, visibility timeout, event source with batch item failures).
 */
const SQS_SERVER_BEHAVIOUR = [
  'a message not acked reappears after the visibility timeout with its receive count raised',
  'an ack with the receipt of an earlier delivery does not remove a message delivered again',
  'retry makes the message visible again after the delay, keeping its receive count',
  'moves a message to the dead-letter queue once it was delivered maxReceiveCount times',
  'redrive moves every dead letter back with a fresh receive count, and it is delivered',
  'concurrent receivers never get the same delivery',
  'reports how many messages wait, are in flight and are dead',
];

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/cloud-sayings-dev-jobs';
const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/cloud-sayings-dev-jobs-dlq';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:111122223333:cloud-sayings-dev-jobs-dlq';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

function standIn() {
  const messages = new Map<string, { body: string; receives: number; receipt: string; visible: boolean }>();
  let next = 0;
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => {
    for (const e of input.Entries) messages.set(`m-${++next}`, { body: e.MessageBody, receives: 0, receipt: '', visible: true });
    return { Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: 'x' })), Failed: [] };
  });
  sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages?: number }) => {
    const out = [...messages.entries()].filter(([, m]) => m.visible).slice(0, input.MaxNumberOfMessages ?? 1);
    return {
      Messages: out.map(([id, m]) => {
        m.receives += 1;
        m.visible = false;
        m.receipt = `rh-${id}-${m.receives}`;
        return { MessageId: id, ReceiptHandle: m.receipt, Body: m.body, Attributes: { ApproximateReceiveCount: String(m.receives), SentTimestamp: '1700000000000' } };
      }),
    };
  });
  sqs.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle: string }) => {
    for (const [id, m] of messages) if (m.receipt === input.ReceiptHandle) messages.delete(id);
    return {};
  });
  return () => {
    for (const m of messages.values()) m.visible = true;
    return Promise.resolve();
  };
}

const queue = () => new SqsJobQueue({ client: new SQSClient({ region: 'us-east-1' }), queueUrl: QUEUE_URL, deadLetterQueueUrl: DLQ_URL });

jobQueueContract(
  'SqsJobQueue (aws-sdk-client-mock)',
  () => Promise.resolve({ queue: queue(), visibilityTimeoutMs: 30_000, maxReceiveCount: 5, advance: standIn(), close: () => Promise.resolve() }),
  { skip: SQS_SERVER_BEHAVIOUR },
);

describe('SqsJobQueue, the calls it makes', () => {
  it('sends in batches of ten and reports the entries SQS refused by index', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: [],
      Failed: input.Entries.filter((e) => e.Id === '3' || e.Id === '11').map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })),
    }));
    const messages = Array.from({ length: 12 }, (_, item) => ({ jobId: 'j', item }));
    expect(await queue().send(messages)).toEqual({ failed: [3, 11] });
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(calls[0]?.args[0].input).toMatchObject({ QueueUrl: QUEUE_URL, Entries: expect.arrayContaining([{ Id: '0', MessageBody: '{"v":1,"jobId":"j","item":0}' }]) });
  });

  it('a send SQS refuses outright is a JobQueueError naming the SDK error, never its message', async () => {
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error('secret detail'), { name: 'AccessDenied' }));
    const error: unknown = await queue().send([{ jobId: 'j', item: 0 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobQueueError);
    expect((error as Error).message).toBe('SQS SendMessageBatch failed (AccessDenied)');
    expect((error as Error).message).not.toContain('secret');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('receives with a long poll, the asked visibility and the receive count; a poison body has no message', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        { MessageId: 'a', ReceiptHandle: 'rh-a', Body: '{"v":1,"jobId":"j","item":2}', Attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1700000000123' } },
        { MessageId: 'b', ReceiptHandle: 'rh-b', Body: 'garbage', Attributes: { ApproximateReceiveCount: '1' } },
      ],
    });
    const got = await queue().receive({ max: 25, waitMs: 30_000, visibilityTimeoutMs: 1_500 });
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
      VisibilityTimeout: 2,
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    });
    expect(got).toEqual([
      { messageId: 'a', receipt: 'rh-a', message: { jobId: 'j', item: 2 }, rawBody: '{"v":1,"jobId":"j","item":2}', receiveCount: 3, sentAt: 1700000000123 },
      { messageId: 'b', receipt: 'rh-b', message: undefined, rawBody: 'garbage', receiveCount: 1, sentAt: undefined },
    ]);
  });

  it('a retry sets the visibility to the delay in whole seconds, within SQS’s 12 h', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const d = { messageId: 'a', receipt: 'rh-a', message: undefined, rawBody: '', receiveCount: 1, sentAt: undefined };
    await queue().retry(d, 1_200);
    await queue().retry(d, 0);
    await queue().retry(d, 1e9);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-a', VisibilityTimeout: 2 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-a', VisibilityTimeout: 0 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-a', VisibilityTimeout: 43_200 },
    ]);
  });

  it('lists dead letters without hiding them (visibility 0), de-duplicated, with the DLQ’s count', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL }).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    const m = (id: string) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: `{"v":1,"jobId":"j","item":${id === 'a' ? 0 : 1}}`, Attributes: { ApproximateReceiveCount: '6' } });
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [m('a')] }).resolvesOnce({ Messages: [m('a'), m('b')] }).resolves({ Messages: [m('b')] });
    const listing = await queue().listDeadLetters(10);
    expect(listing.count).toBe(2);
    expect(listing.messages.map((d) => [d.messageId, d.message?.item, d.receiveCount])).toEqual([['a', 0, 6], ['b', 1, 6]]);
    for (const call of sqs.commandCalls(ReceiveMessageCommand)) expect(call.args[0].input).toMatchObject({ QueueUrl: DLQ_URL, VisibilityTimeout: 0, WaitTimeSeconds: 0 });
  });

  it('redrives with a message move task from the DLQ (its ARN read from SQS) back to its source queue', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL, AttributeNames: ['QueueArn'] }).resolves({ Attributes: { QueueArn: DLQ_ARN } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }).resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'COMPLETED', TaskHandle: 'old' }] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    expect(await queue().redrive()).toEqual({ kind: 'started', taskId: 'task-1', approximateCount: 4 });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({ SourceArn: DLQ_ARN });
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)[0]?.args[0].input).toEqual({ SourceArn: DLQ_ARN, MaxResults: 1 });
  });

  it('reports a move task already running instead of starting a second (SQS allows one per queue)', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'RUNNING', TaskHandle: 'running-1', ApproximateNumberOfMessagesToMove: 10, ApproximateNumberOfMessagesMoved: 4 }],
    });
    const q = new SqsJobQueue({ client: new SQSClient({ region: 'us-east-1' }), queueUrl: QUEUE_URL, deadLetterQueueUrl: DLQ_URL, deadLetterQueueArn: DLQ_ARN });
    expect(await q.redrive()).toEqual({ kind: 'started', taskId: 'running-1', approximateCount: 6 });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(sqs.commandCalls(GetQueueAttributesCommand)).toHaveLength(0);
  });

  it('depth sums visible and delayed messages, in flight, and the DLQ', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL }).resolves({
      Attributes: { ApproximateNumberOfMessages: '5', ApproximateNumberOfMessagesDelayed: '2', ApproximateNumberOfMessagesNotVisible: '3' },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL }).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    expect(await queue().depth()).toEqual({ waiting: 7, inFlight: 3, deadLetters: 1 });
  });

  it('deletes an acked message by its receipt', async () => {
    sqs.on(DeleteMessageCommand).resolves({});
    await queue().ack({ messageId: 'a', receipt: 'rh-a', message: undefined, rawBody: '', receiveCount: 1, sentAt: undefined });
    expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toEqual({ QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-a' });
  });
});
