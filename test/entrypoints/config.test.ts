import { ConfigError, loadLocalConfig, parseOrigins } from '../../src/entrypoints/config/app-config';

describe('local configuration', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadLocalConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 65_536 });
    expect(config.BEDROCK_REGIONS).toEqual(['us-east-1', 'us-west-2', 'ap-northeast-1']);
    expect(config.OPENAI_BASE_URL).toBeUndefined();
    expect(config.SECRETS_SOURCE).toBe('env');
    expect(config.JOBS_SAYINGS_PER_CLIENT_HOUR).toBe(2_000);
    expect(config.REDIS_COMMAND_TIMEOUT_MS).toBe(100);
    expect(config.LOG_BUFFER_BYTES).toBe(4096);
  });

  it('reads values and ignores unrelated variables', () => {
    const config = loadLocalConfig({
      PORT: '8080', BEDROCK_REGIONS: 'eu-west-1, eu-central-1', OPENAI_BASE_URL: 'http://localhost:11434/v1', HOME: '/root',
      REDIS_COMMAND_TIMEOUT_MS: '750', LOG_BUFFER_BYTES: '0',
    });
    expect(config.REDIS_COMMAND_TIMEOUT_MS).toBe(750);
    expect(config.LOG_BUFFER_BYTES).toBe(0);
    expect(config.PORT).toBe(8080);
    expect(config.BEDROCK_REGIONS).toEqual(['eu-west-1', 'eu-central-1']);
    expect(config.OPENAI_BASE_URL).toBe('http://localhost:11434/v1');
  });

  it('lists every bad value in one error, naming each variable', () => {
    let caught: unknown;
    try {
      loadLocalConfig({
        PORT: 'eighty', LOG_LEVEL: 'loud', OPENAI_BASE_URL: 'http://localhost:8000', BEDROCK_REGIONS: 'moon-base',
        OFFLINE_MIN_LATENCY_MS: '900', OFFLINE_MAX_LATENCY_MS: '100', ANTHROPIC_BASE_URL: 'ftp://x',
        JOBS_SAYINGS_PER_CLIENT_HOUR: '999', REDIS_COMMAND_TIMEOUT_MS: '5', LOG_BUFFER_BYTES: '16384',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    for (const name of ['PORT', 'LOG_LEVEL', 'OPENAI_BASE_URL', 'BEDROCK_REGIONS', 'ANTHROPIC_BASE_URL', 'JOBS_SAYINGS_PER_CLIENT_HOUR', 'REDIS_COMMAND_TIMEOUT_MS', 'LOG_BUFFER_BYTES']) expect(message).toContain(name);
    expect(message).toContain('must end with /v1');
  });

  it('refuses settings valid alone but not together, naming the one to change', () => {
    const refusal = (env: Record<string, string>): string => {
      try {
        loadLocalConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(env)}`);
    };
    expect(refusal({ OFFLINE_MIN_LATENCY_MS: '900', OFFLINE_MAX_LATENCY_MS: '100' })).toContain('OFFLINE_MIN_LATENCY_MS must not exceed OFFLINE_MAX_LATENCY_MS');
    // A reservation must outlive the call it holds money for, with a minute for the settlement.
    expect(refusal({ GATEWAY_TIMEOUT_MS: '900000' })).toMatch(/API_KEY_RESERVATION_TTL_MS.*at least GATEWAY_TIMEOUT_MS \+ 60000 ms \(960000\)/);
    expect(refusal({ GATEWAY_TIMEOUT_MS: '120000', API_KEY_RESERVATION_TTL_MS: '179999' })).toContain('API_KEY_RESERVATION_TTL_MS');
    expect(loadLocalConfig({ GATEWAY_TIMEOUT_MS: '120000', API_KEY_RESERVATION_TTL_MS: '180000' }).API_KEY_RESERVATION_TTL_MS).toBe(180_000);
  });

  it('splits CORS origins', () => {
    expect(parseOrigins(' https://a.example , ,https://b.example')).toEqual(['https://a.example', 'https://b.example']);
    expect(parseOrigins('')).toEqual([]);
  });
});

describe('MODEL_OVERRIDES', () => {
  const load = (value: string) => loadLocalConfig({ MODEL_OVERRIDES: value }).MODEL_OVERRIDES;
  const refused = (value: string): string => {
    try {
      load(value);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`accepted ${value}`);
  };

  it('changes catalog models by key: a retired model id, its name, a price', () => {
    const overrides = load('[{"key":"sonnet","vendorModelId":"claude-sonnet-4-6","displayName":"Claude Sonnet 4.6","inputPrice":3000,"outputPrice":15000}]');
    expect(overrides).toEqual([{ key: 'sonnet', vendorModelId: 'claude-sonnet-4-6', displayName: 'Claude Sonnet 4.6', inputPrice: 3000, outputPrice: 15000 }]);
    expect(loadLocalConfig({}).MODEL_OVERRIDES).toBeUndefined();
  });

  it('takes a retirement date, or null for none', () => {
    expect(load('[{"key":"haiku","retiresOn":"2027-01-15"},{"key":"sonnet","retiresOn":null}]')).toEqual([
      { key: 'haiku', retiresOn: '2027-01-15' },
      { key: 'sonnet', retiresOn: null },
    ]);
  });

  it('adds a model when every field is given', () => {
    const added = load(
      JSON.stringify([{ key: 'gpt-4.1-nano', vendor: 'openai', displayName: 'GPT-4.1-nano', vendorModelId: 'gpt-4.1-nano', inputPrice: 100, outputPrice: 400, maxTokens: 400, temperature: 0.9, timeoutMs: 10000, tier: 1 }]),
    );
    expect(added?.[0]?.key).toBe('gpt-4.1-nano');
  });

  it.each([
    ['not JSON', '[{key:sonnet}]', 'must be JSON'],
    ['not a list', '{"key":"sonnet"}', 'list'],
    ['an unknown field', '[{"key":"sonnet","vendorModelID":"claude-sonnet-4-6"}]', 'vendorModelID'],
    ['a new key without every field', '[{"key":"claude-next","vendorModelId":"claude-next"}]', 'a new model needs vendor, displayName'],
    ['a key twice', '[{"key":"sonnet","tier":4},{"key":"sonnet","tier":5}]', 'overridden twice'],
    ['a fractional price', '[{"key":"haiku","inputPrice":2.5}]', 'whole nano-dollars'],
    ['a negative price', '[{"key":"haiku","outputPrice":-1}]', 'MODEL_OVERRIDES'],
    ['a model id with a space', '[{"key":"haiku","vendorModelId":"claude haiku"}]', 'as the vendor spells it'],
    ['two models with one display name', '[{"key":"sonnet","displayName":"Claude Haiku 4.5"}]', 'display names must stay unique'],
    ['a temperature above 2', '[{"key":"haiku","temperature":3}]', 'MODEL_OVERRIDES'],
    ['a retirement date that is not a day', '[{"key":"sonnet","retiresOn":"30/11/2026"}]', 'YYYY-MM-DD'],
    ['a retirement date that does not exist', '[{"key":"sonnet","retiresOn":"2026-02-30"}]', 'YYYY-MM-DD'],
  ])('refuses %s, naming the setting and what to fix', (_case, value, expected) => {
    const message = refused(value);
    expect(message).toContain('MODEL_OVERRIDES');
    expect(message).toContain(expected);
  });
});
