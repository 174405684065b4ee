/**
 * A short, safe label for an AWS SDK failure (`ParameterNotFound`, `ThrottlingException`, `TimeoutError`, …).
 * Only identifier-shaped error names pass, so nothing an error carries in free text can reach a message.
 */
export function ssmFailureCode(error: unknown): string {
  const name = error instanceof Error ? error.name : undefined;
  return name !== undefined && /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(name) ? name : 'UnknownError';
}
