import fc from 'fast-check';
import { replyLanguage } from '../../src/domain/chat/chat-language';
import { checkChatMessage, SEED_MESSAGE_RULES } from '../../src/domain/chat/chat-message';
import { buildChatPrompt, cacheKeyText, historyWindow } from '../../src/domain/chat/chat-prompt';
import { buildReference, DEFAULT_REFERENCE_LIMITS, mentionedServices } from '../../src/domain/chat/chat-reference';
import { clearedSession, isExpired, newSession, withTurn, type ChatTurn } from '../../src/domain/chat/chat-session';
import { estimateTokens } from '../../src/domain/limits/token-estimate';
import type { Saying } from '../../src/domain/sayings/saying';
import { AWS_SERVICES } from '../../src/domain/services/aws-services';

const turn = (i: number, message = `question ${i}`, reply = `answer ${i}`): ChatTurn => ({
  id: `t${i}`, at: 1_000 + i, message, reply, language: 'en', model: 'haiku', offline: true, cached: false,
});

const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'あ', '雲', '1'), minLength: 1, maxLength: 80 });
const turns = fc.array(fc.tuple(text, text), { maxLength: 30 }).map((pairs) => pairs.map(([m, r], i) => turn(i, m, r)));
const noReference = { services: [], sayings: [] };

describe('session history (the last 10 turns)', () => {
  it('keeps exactly the newest min(n, max) turns in order, one version per write, and moves the expiry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 15 }), (n, max) => {
        let session = newSession('s', 0, 1_000);
        for (let i = 0; i < n; i++) session = withTurn(session, turn(i), max, 10 * i, 1_000);
        expect(session.version).toBe(n);
        expect(session.turns.map((t) => t.id)).toEqual(Array.from({ length: n }, (_, i) => `t${i}`).slice(Math.max(0, n - max)));
        if (n > 0) expect(session.expiresAt).toBe(10 * (n - 1) + 1_000);
      }),
    );
  });

  it('clearing empties the turns, keeps the id and bumps the version; expiry is inclusive', () => {
    const s = withTurn(newSession('s', 0, 100), turn(1), 10, 5, 100);
    const c = clearedSession(s, 50, 100);
    expect(c).toMatchObject({ id: 's', turns: [], version: 2, expiresAt: 150 });
    expect(isExpired(c, 149)).toBe(false);
    expect(isExpired(c, 150)).toBe(true);
  });

  it('the prompt window is the newest turns: at most maxTurns, within the token cap unless only the newest is left', () => {
    fc.assert(
      fc.property(turns, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 200 }), (all, maxTurns, maxTokens) => {
        const kept = historyWindow(all, { maxTurns, maxTokens });
        expect(kept.length).toBeLessThanOrEqual(maxTurns);
        expect(kept).toEqual(all.slice(all.length - kept.length));
        if (all.length > 0) expect(kept.length).toBeGreaterThanOrEqual(1);
        const tokens = kept.reduce((s, t) => s + estimateTokens(t.message) + estimateTokens(t.reply), 0);
        if (kept.length > 1) expect(tokens).toBeLessThanOrEqual(maxTokens);
      }),
    );
  });

  it('with room to spare the prompt carries the last 10 of 12 turns, as alternating user/assistant pairs, then the message', () => {
    const history = Array.from({ length: 12 }, (_, i) => turn(i));
    const prompt = buildChatPrompt({ language: 'en', reference: noReference, history, message: 'next?', window: { maxTurns: 10, maxTokens: 8_000 } });
    expect(prompt.historyTurns).toBe(10);
    expect(prompt.messages).toHaveLength(1 + 20 + 1);
    expect(prompt.messages[0]?.role).toBe('system');
    expect(prompt.messages[1]).toEqual({ role: 'user', content: 'question 2' });
    expect(prompt.messages[20]).toEqual({ role: 'assistant', content: 'answer 11' });
    expect(prompt.messages[21]).toEqual({ role: 'user', content: 'next?' });
    expect(prompt.inputTokens).toBe(prompt.messages.reduce((s, m) => s + estimateTokens(m.content), 0));
  });

  it('always alternates roles, starting and ending with the user after the system message', () => {
    fc.assert(
      fc.property(turns, text, (history, message) => {
        const { messages } = buildChatPrompt({ language: 'ja', reference: noReference, history, message, window: { maxTurns: 10, maxTokens: 100 } });
        messages.slice(1).forEach((m, i) => expect(m.role).toBe(i % 2 === 0 ? 'user' : 'assistant'));
        expect(messages[messages.length - 1]?.role).toBe('user');
      }),
    );
  });

  it('the system prompt names the reply language and holds no secret-shaped text', () => {
    const { messages } = buildChatPrompt({ language: 'zh', reference: noReference, history: [], message: 'hi', window: { maxTurns: 10, maxTokens: 100 } });
    const system = messages[0]?.content ?? '';
    expect(system).toContain('language="zh"');
    expect(system).toContain('Simplified Chinese');
    expect(system).not.toMatch(/sk-|AKIA|Bearer|api[_-]?key/i);
  });
});

describe('the identical-prompt cache key text', () => {
  it('is a function of the prompt, the reply limit and the serving model only (no temperature in it)', () => {
    const fields = fc.record({
      model: fc.constantFrom('haiku', 'sonnet'),
      provider: fc.constantFrom('offline', 'anthropic'),
      maxTokens: fc.integer({ min: 1, max: 4_000 }),
      messages: fc.array(fc.record({ role: fc.constantFrom('system' as const, 'user' as const, 'assistant' as const), content: text }), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(fields, fields, (a, b) => {
        const same = JSON.stringify(a) === JSON.stringify(b);
        expect(cacheKeyText(a) === cacheKeyText(b)).toBe(same);
        expect(cacheKeyText({ ...a, temperature: 0.9 } as typeof a)).toBe(cacheKeyText(a));
      }),
    );
  });
});

describe('reply language', () => {
  it('follows the text when it says which language it is, else the preference', () => {
    expect(replyLanguage('S3って何ですか', 'en')).toBe('ja');
    expect(replyLanguage('这个服务是什么', 'en')).toBe('zh');
    expect(replyLanguage('这个服务是什么', 'ja')).toBe('ja');
    expect(replyLanguage('What is Amazon S3?', 'ja')).toBe('en');
    expect(replyLanguage('Lambda', 'ja')).toBe('ja');
    expect(replyLanguage('???', 'zh')).toBe('zh');
  });
});

describe('server-side message rules (seed 002)', () => {
  const rule = (t: string, rules = SEED_MESSAGE_RULES) => {
    const r = checkChatMessage(t, rules);
    return r.ok ? r.value : r.error.rule;
  };

  it('names each rule a message breaks', () => {
    expect(rule('hi\u0000')).toBe('null_byte');
    expect(rule('bad \udc00 half')).toBe('lone_surrogate');
    expect(rule('a\u0001\u0002\u0003\u0004b')).toBe('too_many_control_characters');
    expect(rule('雲'.repeat(200), { ...SEED_MESSAGE_RULES, maxBytes: 300 })).toBe('message_too_large');
    expect(rule('\u200b\u200d \ufeff ')).toBe('message_blank');
  });

  it('removes zero-width characters, normalises to NFC and trims', () => {
    expect(rule('  La\u200bmbda \u30ab\u3099 ')).toBe('Lambda \u30ac');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const r = checkChatMessage(s, SEED_MESSAGE_RULES);
        if (!r.ok) return;
        expect(r.value).toBe(r.value.normalize('NFC'));
        expect(r.value).toBe(r.value.trim());
        expect(r.value).not.toMatch(/[\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff]/);
        expect(r.value.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('reference from the collection', () => {
  const saying = (id: string, serviceId: string, t: string): Saying => ({
    id, text: t, serviceId, origin: { kind: 'collection' }, generation: undefined, upvotes: 0, downvotes: 0, createdAt: 0,
  });
  const sayings = [
    saying('1', 's3', 'An S3 bucket has no bottom, which is wonderful until someone asks what is in it.'),
    saying('2', 'dynamodb', 'In DynamoDB you design the access patterns first.'),
    saying('3', 's3', 'S3 stores everything, including the file you swore you deleted.'),
    saying('4', 's3', 'A third S3 saying that the limit leaves out.'),
  ];

  it('finds services by name, short name or distinctive short name in any case, and ordinary words only as written', () => {
    const names = (m: string) => mentionedServices(m, AWS_SERVICES, 3).map((s) => s.id);
    expect(names('S3って何ですか')).toEqual(['s3']);
    expect(names('compare dynamodb with Amazon RDS')).toEqual(['dynamodb', 'rds']);
    expect(names('I run a batch job and need a backup')).toEqual([]);
    expect(names('AWS Batch or Lambda?')).toEqual(['batch', 'lambda']);
  });

  it('holds a few stored sayings per named service and any saying the user quotes', () => {
    const ref = buildReference('Explain "In DynamoDB you design the access patterns first." and suggest one for S3', AWS_SERVICES, sayings, DEFAULT_REFERENCE_LIMITS);
    expect(ref.services.map((s) => s.id)).toEqual(['dynamodb', 's3']);
    expect(ref.sayings).toEqual([
      { serviceId: 'dynamodb', serviceName: 'Amazon DynamoDB', text: sayings[1]?.text, quoted: true },
      { serviceId: 's3', serviceName: 'Amazon S3', text: sayings[0]?.text, quoted: false },
      { serviceId: 's3', serviceName: 'Amazon S3', text: sayings[2]?.text, quoted: false },
    ]);
  });
});
