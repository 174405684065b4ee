/**
 * A short, safe label for an AWS SDK failure: only identifier-shaped error names pass, so nothing an error
 * carries in free text (keys, item values) can reach a message.
 */
export function awsErrorName(error: unknown): string {
  const name = error instanceof Error ? error.name : undefined;
  return name !== undefined && /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(name) ? name : 'UnknownError';
}

/**
 * The per-item reason codes of a cancelled transaction (`None`, `ConditionalCheckFailed`,
 * `TransactionConflict`, `ThrottlingError`, …) in the order of its items, or undefined for any other error.
 */
export function cancellationCodes(error: unknown): readonly string[] | undefined {
  if (awsErrorName(error) !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: readonly { Code?: string }[] }).CancellationReasons;
  if (reasons) return reasons.map((r) => r.Code ?? 'None');
  // Some endpoints only list the reasons in the message: "... reasons [ConditionalCheckFailed, None]".
  const listed = /\[([A-Za-z, ]*)\]/.exec(error instanceof Error ? error.message : '')?.[1];
  return listed === undefined ? [] : listed.split(',').map((code) => code.trim());
}

/** Reasons worth another attempt of the same transaction: nothing was written and nothing refused it. */
export function isTransientCancellation(codes: readonly string[]): boolean {
  return codes.length > 0 && codes.every((c) => c === 'None' || c === 'TransactionConflict' || c === 'ThrottlingError' || c === 'ProvisionedThroughputExceeded');
}

type PortErrorClass = new (message: string, options: { cause: unknown }) => Error;

/**
 * Runs one port operation and turns any failure — an SDK error after the SDK's own bounded retries
 * (throttling included), or an item that does not parse — into the port's error, keeping the original as cause.
 */
export async function asPortError<T>(PortError: PortErrorClass, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PortError) throw error;
    throw new PortError(`DynamoDB ${operation} failed (${awsErrorName(error)})`, { cause: error });
  }
}
