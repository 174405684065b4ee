import type { SecretStore } from '../../ports/secret-store';

/**
 * Secrets from environment variables, handed in as values by the composition root. Only the listed names are
 * exposed, so a caller cannot use the store to read AWS credentials or anything else that happens to be set.
 */
export class EnvironmentSecretStore implements SecretStore {
  private readonly secrets: ReadonlyMap<string, string>;

  constructor(env: Readonly<Record<string, string | undefined>>, names: readonly string[]) {
    const exposed = new Map<string, string>();
    for (const name of names) {
      const value = Object.hasOwn(env, name) ? env[name] : undefined;
      if (typeof value === 'string' && value !== '') exposed.set(name, value);
    }
    this.secrets = exposed;
  }

  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(name));
  }
}
