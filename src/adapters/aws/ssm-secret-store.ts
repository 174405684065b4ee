import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { SecretStoreError, type SecretStore } from '../../ports/secret-store';
import { ssmFailureCode } from './ssm-failure-code';

export interface SsmSecretStoreSettings {
  /**
   * Configured by the caller. Recommended: `new SSMClient({ maxAttempts: 2, requestHandler: new NodeHttpHandler({
   * connectionTimeout: 1_000, requestTimeout: 2_000 }) })`, so that an SSM outage fails a request within seconds
   * instead of riding the SDK's default retries and socket timeouts while the caller waits.
   */
  readonly client: SSMClient;
  /** Logical secret name (e.g. `ANTHROPIC_API_KEY`) → SSM parameter name (from CLAUDE_PARAMETER_NAME, …). */
  readonly parameterNames: Readonly<Record<string, string>>;
  /** How long a value is trusted before SSM is asked again; each parameter keeps its own fetch time. */
  readonly ttlMs: number;
}

/**
 * SecureString parameters from SSM Parameter Store, decrypted, cached per parameter.
 *
 * Powertools' SSMProvider does the caching: its store is keyed by parameter name, each entry with its own expiry,
 * so parameters expire independently (unlike a single shared timestamp). It does not merge concurrent fetches of
 * the same cold parameter, so `inFlight` does; and it never serves an expired value when a refresh fails, which is
 * what we want: a failed read becomes a SecretStoreError rather than a silently stale key.
 */
export class SsmSecretStore implements SecretStore {
  private readonly provider: SSMProvider;
  private readonly parameterNames: ReadonlyMap<string, string>;
  private readonly maxAgeSeconds: number;
  private readonly inFlight = new Map<string, Promise<string | undefined>>();

  constructor(settings: SsmSecretStoreSettings) {
    // Powertools keeps maxAge in whole seconds (Date#setSeconds truncates), so a fractional TTL would silently shrink.
    if (!Number.isInteger(settings.ttlMs / 1000) || settings.ttlMs <= 0) {
      throw new RangeError(`ttlMs must be a positive whole number of seconds, got ${settings.ttlMs}`);
    }
    this.maxAgeSeconds = settings.ttlMs / 1000;
    // A Map, not the record itself: `get('constructor')` must not find Object.prototype's members.
    this.parameterNames = new Map(Object.entries(settings.parameterNames));
    this.provider = new SSMProvider({ awsSdkV3Client: settings.client });
  }

  async get(name: string): Promise<string | undefined> {
    const parameterName = this.parameterNames.get(name);
    if (parameterName === undefined) return undefined;
    const value = await this.fetchOnce(name, parameterName);
    return value === '' ? undefined : value;
  }

  private fetchOnce(secretName: string, parameterName: string): Promise<string | undefined> {
    const pending = this.inFlight.get(parameterName);
    if (pending) return pending;
    const fetching = this.fetch(secretName, parameterName).finally(() => this.inFlight.delete(parameterName));
    this.inFlight.set(parameterName, fetching);
    return fetching;
  }

  private async fetch(secretName: string, parameterName: string): Promise<string | undefined> {
    try {
      return await this.provider.get(parameterName, { decrypt: true, maxAge: this.maxAgeSeconds });
    } catch (error) {
      throw translate(secretName, parameterName, error);
    }
  }
}

/** The message names the parameter and the SDK's error code only: the SDK's own text is never copied. */
function translate(secretName: string, parameterName: string, error: unknown): SecretStoreError {
  // Powertools wraps SDK failures in GetParameterError; the SDK error is its cause.
  const sdkError = error instanceof Error && error.name === 'GetParameterError' && error.cause !== undefined ? error.cause : error;
  const code = ssmFailureCode(sdkError);
  const message =
    code === 'ParameterNotFound'
      ? `SSM parameter "${parameterName}" for secret ${secretName} does not exist (misconfigured parameter name?)`
      : `SSM parameter "${parameterName}" for secret ${secretName} could not be read (${code})`;
  return new SecretStoreError(secretName, message, { cause: sdkError });
}
