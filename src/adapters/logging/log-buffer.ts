/**
 * Limits of a buffered log destination, apart from pino so that configuration can name them without loading pino
 * (the Lambda bundles log through Powertools and leave it out).
 */

/** The longest a buffered line waits before it is written. */
export const LINE_WAIT_MS = 100;
/** sonic-boom's largest single write is 16 KiB; a buffer must stay below it. */
export const MAX_BUFFER_BYTES = 16_383;
