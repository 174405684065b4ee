import { EnvironmentSecretStore } from '../../src/adapters/secrets/environment-secret-store';
import { secretStoreContract } from '../contracts/small-ports.contract';

describe('EnvironmentSecretStore', () => {
  const env = {
    OPENAI_API_KEY: 'sk-test-openai-123456',
    ANTHROPIC_API_KEY: '',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-not-a-secret-to-share',
    PATH: '/usr/bin',
  };
  const names = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'] as const;

  it('exposes only the listed names', async () => {
    const store = new EnvironmentSecretStore(env, names);
    await expect(store.get('OPENAI_API_KEY')).resolves.toBe('sk-test-openai-123456');
    await expect(store.get('AWS_SECRET_ACCESS_KEY')).resolves.toBeUndefined();
    await expect(store.get('PATH')).resolves.toBeUndefined();
  });

  it('answers an empty or unset listed name with undefined', async () => {
    const store = new EnvironmentSecretStore({ ANTHROPIC_API_KEY: '' }, names);
    await expect(store.get('ANTHROPIC_API_KEY')).resolves.toBeUndefined();
    await expect(store.get('OPENAI_API_KEY')).resolves.toBeUndefined();
  });

  it('finds nothing on the prototype chain', async () => {
    const store = new EnvironmentSecretStore({}, ['toString', 'constructor']);
    await expect(store.get('toString')).resolves.toBeUndefined();
    await expect(store.get('constructor')).resolves.toBeUndefined();
  });
});

secretStoreContract('EnvironmentSecretStore', (secrets) =>
  Promise.resolve(new EnvironmentSecretStore(secrets, ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'BEDROCK_ROLE'])),
);
