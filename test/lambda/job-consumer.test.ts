import { ChangeMessageVisibilityCommand, DeleteMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsJobQueue } from '../../src/adapters/aws/sqs/sqs-job-queue';
import { encodeJobMessage } from '../../src/domain/jobs/message';
import type { JobSummary } from '../../src/domain/jobs/summary';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { sqsConsumer } from '../../src/entrypoints/lambda/sqs-consumer';
import type { MetricsSink } from '../../src/ports/metrics-sink';
import { startHarness, type Harness } from '../support/local-harness';
import { SwitchableProvider, withProvider } from '../jobs/support';

/*
 * The SQS consumer Lambda on the application's real use cases (local adapters for state), with the job queue
 * served by the SqsJobQueue on a mocked SQS client: what the handler answers (batchItemFailures) and what it asks
 * SQS to do (ChangeMessageVisibility for the failures, nothing for the successes, which Lambda deletes).
 */
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/jobs';
const sqs = mockClient(SQSClient);

function record(id: string, body: string, receiveCount: number): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '1700000000000', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1700000000001' },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:jobs',
    awsRegion: 'us-east-1',
  };
}

describe('the SQS consumer handler', () => {
  let h: Harness;
  const broken = new SwitchableProvider();
  beforeAll(async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: 'x' })), Failed: [] }));
    h = await startHarness({
      env: { JOBS_WORKER: 'off', JOBS_MAX_RECEIVE_COUNT: '4', JOBS_RETRY_BASE_MS: '2000', JOBS_RETRY_CAP_MS: '60000' },
      configure: (c) => {
        withProvider('sonnet', broken)(c);
        c.rebind(TOKENS.JobQueue).toConstantValue(new SqsJobQueue({ client: new SQSClient({ region: 'us-east-1' }), queueUrl: QUEUE_URL, deadLetterQueueUrl: `${QUEUE_URL}-dlq` }));
      },
    });
    broken.broken = true;
  });
  afterAll(() => h.close());
  beforeEach(() => {
    sqs.resetHistory();
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
  });

  const handler = () => sqsConsumer(() => Promise.resolve({ container: h.local.container, logger: h.local.logger, metrics: h.local.container.get<MetricsSink>(TOKENS.MetricsSink) }));
  const submit = async (model: string): Promise<string> => (await h.http.post('/jobs').send({ type: 'generate', count: 3, models: [model] }).expect(202)).body.jobId;
  const job = async (id: string): Promise<JobSummary> => (await h.http.get(`/jobs/${id}`).expect(200)).body;

  it('reports exactly the records not done as batch item failures, each released for its backoff delay', async () => {
    const good = await submit('haiku');
    const bad = await submit('sonnet');
    const event: SQSEvent = {
      Records: [
        record('ok', encodeJobMessage({ jobId: good, item: 0 }), 1),
        record('poison', '{"hello":"world"}', 1),
        record('failing', encodeJobMessage({ jobId: bad, item: 0 }), 2),
      ],
    };
    const response = await handler()(event);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['failing', 'poison']);
    expect((await job(good)).status).toBe('succeeded');
    expect((await job(bad)).errors).toEqual([expect.objectContaining({ code: 'provider_unavailable', attempt: 2, final: false })]);
    const visibility = Object.fromEntries(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => [c.args[0].input.ReceiptHandle, c.args[0].input.VisibilityTimeout]));
    // The poison message comes back at once (on its way to the DLQ); the failing one after its backoff (≤ base · 2).
    expect(visibility['rh-poison']).toBe(0);
    expect(visibility['rh-failing']).toBeGreaterThanOrEqual(0);
    expect(visibility['rh-failing']).toBeLessThanOrEqual(4);
    expect(visibility['rh-ok']).toBeUndefined();
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('on the last delivery the item is given up with its error and the record still fails, so SQS dead-letters it', async () => {
    const bad = await submit('sonnet');
    const response = await handler()({ Records: [record('last', encodeJobMessage({ jobId: bad, item: 0 }), 4)] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'last' }]);
    const summary = await job(bad);
    expect(summary.status).toBe('failed');
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'provider_unavailable', attempt: 4, final: true })]);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(0);
  });

  it('a record already succeeded (a duplicate delivery) is done at once; a failed visibility change still reports the failure', async () => {
    const good = await submit('haiku');
    const body = encodeJobMessage({ jobId: good, item: 0 });
    expect((await handler()({ Records: [record('a', body, 1)] })).batchItemFailures).toEqual([]);
    expect((await handler()({ Records: [record('a-again', body, 1)] })).batchItemFailures).toEqual([]);
    sqs.on(ChangeMessageVisibilityCommand).rejects(Object.assign(new Error('gone'), { name: 'ReceiptHandleIsInvalid' }));
    expect((await handler()({ Records: [record('p', 'not json', 1)] })).batchItemFailures).toEqual([{ itemIdentifier: 'p' }]);
  });
});
