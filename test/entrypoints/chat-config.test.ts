import { ConfigError, loadAwsConfig, loadLocalConfig } from '../../src/entrypoints/config/app-config';
import { ChatConfigError, chatSettings } from '../../src/entrypoints/config/chat-config';
import { createLocalApp } from '../../src/entrypoints/local/local-app';

describe('chat configuration', () => {
  it('defaults to seed 002: a 3 s deadline, 10 turns, 4,000 characters, 16 KB, a 300 s cache', () => {
    const settings = chatSettings(loadLocalConfig({}));
    expect(settings).toMatchObject({
      deadlineMs: 3_000,
      split: { retryReserveMs: 800, writeReserveMs: 150, minAttemptMs: 250 },
      history: { maxTurns: 10, maxTokens: 8_000 },
      message: { maxChars: 4_000, maxBytes: 16_384, maxControlRatio: 0.05 },
      cacheTtlMs: 300_000,
      sessionTtlMs: 86_400_000,
      rate: { limit: 30, windowMs: 60_000 },
      auto: { smallTokens: 60, largeTokens: 400 },
    });
  });

  it('names each variable that is out of range', () => {
    expect(() => loadLocalConfig({ CHAT_DEADLINE_MS: '100', CHAT_HISTORY_TURNS: '0', CHAT_TEMPERATURE: 'warm' })).toThrow(ConfigError);
    try {
      loadLocalConfig({ CHAT_DEADLINE_MS: '100', CHAT_HISTORY_TURNS: '0', CHAT_TEMPERATURE: 'warm' });
    } catch (error) {
      for (const name of ['CHAT_DEADLINE_MS', 'CHAT_HISTORY_TURNS', 'CHAT_TEMPERATURE']) expect((error as Error).message).toContain(name);
    }
  });

  it('refuses settings that only fail together: reserves past the deadline, thresholds out of order, sessions too big for one DynamoDB item', () => {
    const message = (env: Record<string, string>) => {
      try {
        chatSettings(loadLocalConfig(env));
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ChatConfigError);
        return (error as Error).message;
      }
    };
    expect(message({ CHAT_DEADLINE_MS: '1000', CHAT_RETRY_RESERVE_MS: '800' })).toMatch(/must not exceed CHAT_DEADLINE_MS/);
    expect(message({ CHAT_AUTO_SMALL_TOKENS: '500', CHAT_AUTO_LARGE_TOKENS: '100' })).toMatch(/CHAT_AUTO_SMALL_TOKENS/);
    expect(message({ CHAT_HISTORY_TURNS: '50' })).toMatch(/one DynamoDB item/);
    expect(message({ CHAT_HISTORY_TURNS: '20', CHAT_MAX_MESSAGE_BYTES: '2000' })).toBe('accepted');
  });

  it('stops the local app at start-up on an inconsistent chat setting', async () => {
    await expect(createLocalApp({ env: { LOG_LEVEL: 'silent', CHAT_DEADLINE_MS: '600', CHAT_RETRY_RESERVE_MS: '500' }, inMemory: true })).rejects.toThrow(/invalid chat configuration/);
  });

  it('needs the sessions table name in the aws profile', () => {
    const tables = { SAYINGS_TABLE: 'p-sayings', FEEDBACK_TABLE: 'p-feedback', USAGE_TABLE: 'p-usage', API_KEYS_TABLE: 'p-apiKeys' };
    expect(() => loadAwsConfig({}, tables)).toThrow(/SESSIONS_TABLE/);
    expect(loadAwsConfig({}, { ...tables, SESSIONS_TABLE: 'p-sessions' }).SESSIONS_TABLE).toBe('p-sessions');
  });
});
