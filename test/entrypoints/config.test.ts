import { ConfigError, loadLocalConfig, parseOrigins } from '../../src/entrypoints/config/app-config';

describe('local configuration', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadLocalConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 65_536 });
    expect(config.BEDROCK_REGIONS).toEqual(['us-east-1', 'us-west-2', 'ap-northeast-1']);
    expect(config.OPENAI_BASE_URL).toBeUndefined();
    expect(config.SECRETS_SOURCE).toBe('env');
  });

  it('reads values and ignores unrelated variables', () => {
    const config = loadLocalConfig({
      PORT: '8080', BEDROCK_REGIONS: 'eu-west-1, eu-central-1', OPENAI_BASE_URL: 'http://localhost:11434/v1', HOME: '/root',
    });
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
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    for (const name of ['PORT', 'LOG_LEVEL', 'OPENAI_BASE_URL', 'BEDROCK_REGIONS', 'ANTHROPIC_BASE_URL']) expect(message).toContain(name);
    expect(message).toContain('must end with /v1');
  });

  it('splits CORS origins', () => {
    expect(parseOrigins(' https://a.example , ,https://b.example')).toEqual(['https://a.example', 'https://b.example']);
    expect(parseOrigins('')).toEqual([]);
  });
});
