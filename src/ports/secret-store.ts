/** Named secrets such as provider API keys. A missing secret is `undefined`, not an error. */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
}

/** The store could not be read. The message names the secret, never its value. */
export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
  constructor(
    readonly secretName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
