import { ConfigError, loadAwsConfig, loadLocalConfig } from '../../src/entrypoints/config/app-config';
import { adminTokenParameter } from '../../src/entrypoints/config/keys-config';

const TABLES = { SAYINGS_TABLE: 'x-sayings', FEEDBACK_TABLE: 'x-feedback', USAGE_TABLE: 'x-usage', SESSIONS_TABLE: 'x-sessions', API_KEYS_TABLE: 'x-apiKeys' };

describe('API key settings', () => {
  it('default to a 2 s lookup cache, a 24 h rotation grace and a 15 min reservation TTL; no admin token', () => {
    expect(loadLocalConfig({})).toMatchObject({ API_KEY_CACHE_TTL_MS: 2_000, API_KEY_ROTATION_GRACE_MS: 86_400_000, API_KEY_RESERVATION_TTL_MS: 900_000 });
    expect(loadLocalConfig({}).ADMIN_TOKEN).toBeUndefined();
    expect(loadLocalConfig({ API_KEY_CACHE_TTL_MS: '0' }).API_KEY_CACHE_TTL_MS).toBe(0);
  });

  it('refuse a weak admin token at start-up, naming the variable and the rule but never the value', () => {
    for (const token of ['short-token', 'has spaces but is long enough', `cs_${'a'.repeat(40)}`]) {
      let caught: unknown;
      try {
        loadLocalConfig({ ADMIN_TOKEN: token });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toMatch(/ADMIN_TOKEN: /);
      expect((caught as Error).message.includes(token)).toBe(false);
    }
    expect(loadLocalConfig({ ADMIN_TOKEN: 'a'.repeat(32) }).ADMIN_TOKEN).toBe('a'.repeat(32));
  });

  it('refuse out-of-range values: a cache over a minute, a grace over 30 days, a reservation TTL under a minute', () => {
    expect(() => loadLocalConfig({ API_KEY_CACHE_TTL_MS: '60001' })).toThrow(/API_KEY_CACHE_TTL_MS/);
    expect(() => loadLocalConfig({ API_KEY_ROTATION_GRACE_MS: String(31 * 86_400_000) })).toThrow(/API_KEY_ROTATION_GRACE_MS/);
    expect(() => loadLocalConfig({ API_KEY_RESERVATION_TTL_MS: '1000' })).toThrow(/API_KEY_RESERVATION_TTL_MS/);
  });

  it('the aws profile needs API_KEYS_TABLE and finds the admin token under /cloud-sayings/<env>/admin/token unless told otherwise', () => {
    expect(() => loadAwsConfig({}, { ...TABLES, API_KEYS_TABLE: undefined })).toThrow(/API_KEYS_TABLE/);
    const config = loadAwsConfig({}, { ...TABLES, APP_ENV: 'prod' });
    expect(adminTokenParameter(config.APP_ENV, config.ADMIN_TOKEN_PARAMETER_NAME)).toBe('/cloud-sayings/prod/admin/token');
    const named = loadAwsConfig({}, { ...TABLES, ADMIN_TOKEN_PARAMETER_NAME: '/ops/admin-token' });
    expect(adminTokenParameter(named.APP_ENV, named.ADMIN_TOKEN_PARAMETER_NAME)).toBe('/ops/admin-token');
    expect(() => loadAwsConfig({}, { ...TABLES, ADMIN_TOKEN_PARAMETER_NAME: 'no-slash' })).toThrow(/ADMIN_TOKEN_PARAMETER_NAME/);
  });
});
