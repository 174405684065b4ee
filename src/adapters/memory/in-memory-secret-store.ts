import type { SecretStore } from '../../ports/secret-store';

/** Secrets from a map handed in at construction (tests, and the environment locally). */
export class InMemorySecretStore implements SecretStore {
  private readonly secrets: ReadonlyMap<string, string>;

  constructor(secrets: Readonly<Record<string, string | undefined>>) {
    this.secrets = new Map(Object.entries(secrets).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  }

  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(name));
  }
}
