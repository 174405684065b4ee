import { isoTimestamp, PinoLogger } from '../../src/adapters/logging/pino-logger';
import { REDACTED, redact, redactText } from '../../src/adapters/logging/redact';
import { requestContext } from '../../src/adapters/logging/request-context';

const CANARY = 'sk-canary-1234567890abcdef';

describe('redactText', () => {
  it.each([
    ['an OpenAI key', 'key=sk-proj-AbCdEf0123456789xyz done', 'key=[REDACTED] done'],
    ['an Anthropic key', 'using sk-ant-api03-AbCdEfGh_ij-KLmn0123 now', 'using [REDACTED] now'],
    ['a Cloud Sayings key', 'client cs_0123456789abcdefABCD called', 'client [REDACTED] called'],
    ['a bearer header', 'Authorization: Bearer x', 'Authorization: [REDACTED]'],
    ['a bearer token in JSON', '{"h":"Bearer eyJhbGciOi.payload.sig"}', '{"h":"[REDACTED]"}'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE is the id', '[REDACTED] is the id'],
    ['a Slack token', 'xoxb-1234-5678-abcdefgh', '[REDACTED]'],
    ['several at once', `${CANARY} and ${CANARY}`, '[REDACTED] and [REDACTED]'],
  ])('masks %s', (_what, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    'Amazon S3 keeps your objects; the task-runner keeps your patience.',
    'AWS Lambda runs 128 MB functions for 15 minutes at most.',
    'sk- alone, sk-short, cs_short and AKIA123 are not keys.',
    'The token bucket allows 60 votes a minute; the password policy is documented.',
    'https://example.com/path?page=2&sort=desc',
    '',
  ])('leaves ordinary text alone: %j', (text) => {
    expect(redactText(text)).toBe(text);
  });
});

describe('redact', () => {
  it('masks whole values under secret-sounding keys, whatever their shape', () => {
    const out = redact({
      authorization: 'Basic dXNlcjpwYXNz',
      Authorization: 'anything at all',
      apiKey: 'plain-looking-value',
      api_key: 42,
      'x-api-key': 'abc',
      password: 'hunter2',
      clientSecret: { nested: 'value' },
      cookie: 'session=1',
      awsCredentials: ['a', 'b'],
      keep: 'visible',
      nothing: undefined,
      apiKeyUnset: null,
    });
    expect(out).toEqual({
      authorization: REDACTED,
      Authorization: REDACTED,
      apiKey: REDACTED,
      api_key: REDACTED,
      'x-api-key': REDACTED,
      password: REDACTED,
      clientSecret: REDACTED,
      cookie: REDACTED,
      awsCredentials: REDACTED,
      keep: 'visible',
      nothing: undefined,
      apiKeyUnset: null,
    });
  });

  it('masks key-shaped strings anywhere, nested in objects and arrays', () => {
    const out = redact({
      request: { headers: { authorization: `Bearer ${CANARY}`, accept: 'application/json' }, body: { note: `my key is ${CANARY}` } },
      attempts: [{ url: 'https://api.example.com', detail: ['ok', `failed with AKIAIOSFODNN7EXAMPLE`] }],
      status: 401,
      ok: false,
    });
    expect(out).toEqual({
      request: { headers: { authorization: REDACTED, accept: 'application/json' }, body: { note: 'my key is [REDACTED]' } },
      attempts: [{ url: 'https://api.example.com', detail: ['ok', 'failed with [REDACTED]'] }],
      status: 401,
      ok: false,
    });
  });

  it('reduces errors to name and redacted message', () => {
    const error = new TypeError(`upstream rejected ${CANARY}`);
    expect(redact({ error })).toEqual({ error: { name: 'TypeError', message: 'upstream rejected [REDACTED]' } });
  });

  it('returns copies and leaves the input unchanged', () => {
    const input = { nested: { apiKey: 'abc', text: CANARY } };
    const out = redact(input);
    expect(input).toEqual({ nested: { apiKey: 'abc', text: CANARY } });
    expect(out).not.toBe(input);
  });

  it('stops at a bounded depth instead of recursing without end', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const text = JSON.stringify(redact(cyclic));
    expect(text).toContain('[truncated]');
    const deep = { a: { b: { c: { d: { e: { f: { g: CANARY } } } } } } };
    expect(JSON.stringify(redact(deep))).not.toContain('canary');
  });

  it('passes primitives through, redacting strings', () => {
    expect(redact(7)).toBe(7);
    expect(redact(null)).toBeNull();
    expect(redact(true)).toBe(true);
    expect(redact(`x ${CANARY}`)).toBe('x [REDACTED]');
  });
});

describe('PinoLogger', () => {
  function capture() {
    const lines: string[] = [];
    const logger = new PinoLogger({ level: 'debug', service: 'cloud-sayings-test', destination: { write: (s: string) => void lines.push(s) } });
    const records = () => lines.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    return { lines, logger, records };
  }

  it('writes one JSON line per event, with the request id inside a request context', () => {
    const { logger, records } = capture();
    requestContext.run({ requestId: 'r-1' }, () => logger.info('serving', { route: '/sayings' }));
    logger.warn('outside any request');
    const [inside, outside] = records();
    expect(inside).toMatchObject({ level: 'info', msg: 'serving', route: '/sayings', requestId: 'r-1', service: 'cloud-sayings-test' });
    expect(Math.abs(Date.parse(String(inside?.time)) - Date.now())).toBeLessThan(5_000);
    expect(inside?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(outside).toMatchObject({ level: 'warn', msg: 'outside any request' });
    expect(outside).not.toHaveProperty('requestId');
  });

  it('stamps ISO times, formatted once a millisecond and never stale', () => {
    expect(isoTimestamp(Date.UTC(2026, 11, 4, 21, 0, 0, 123))).toBe(',"time":"2026-12-04T21:00:00.123Z"');
    expect(isoTimestamp(Date.UTC(2026, 11, 4, 21, 0, 0, 123))).toBe(',"time":"2026-12-04T21:00:00.123Z"');
    expect(isoTimestamp(Date.UTC(2026, 11, 4, 21, 0, 0, 124))).toBe(',"time":"2026-12-04T21:00:00.124Z"');
    expect(isoTimestamp(Date.UTC(2026, 11, 4, 21, 0, 0, 123))).toBe(',"time":"2026-12-04T21:00:00.123Z"');
  });

  it('keeps the request id across awaits in the same request', async () => {
    const { logger, records } = capture();
    await requestContext.run({ requestId: 'r-async' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      logger.debug('after a timer');
    });
    expect(records()[0]).toMatchObject({ level: 'debug', requestId: 'r-async' });
  });

  it('never writes the canary secret, whether in the message or in fields', () => {
    const { lines, logger, records } = capture();
    requestContext.run({ requestId: 'r-1' }, () => {
      logger.debug(`calling with ${CANARY}`, { apiKey: CANARY });
      logger.info(`key ${CANARY} in the message`, { note: `value ${CANARY}`, nested: { deeper: [CANARY, { authorization: `Bearer ${CANARY}` }] } });
      logger.warn('headers', { headers: { 'x-api-key': CANARY, Authorization: `Bearer ${CANARY}` } });
      logger.error('failed', { error: new Error(`provider said ${CANARY} is invalid`) });
    });
    const all = lines.join('');
    expect(records()).toHaveLength(4);
    expect(all).not.toContain(CANARY);
    expect(all).not.toContain('canary-1234567890');
    expect(all).toContain(REDACTED);
    for (const record of records()) expect(record.requestId).toBe('r-1');
  });

  it('writes nothing below its level', () => {
    const lines: string[] = [];
    const logger = new PinoLogger({ level: 'warn', service: 's', destination: { write: (s: string) => void lines.push(s) } });
    logger.debug('no');
    logger.info('no');
    logger.warn('yes');
    expect(lines).toHaveLength(1);
  });
});
