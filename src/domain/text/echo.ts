/** Names an error message may repeat back: identifier-shaped, short. */
const NAME = /^[A-Za-z0-9._:\-[\]]{1,64}$/;
/**
 * Credential prefixes (ours and the vendors') anywhere, or a long run of random-looking characters. It errs on
 * the side of silence: a name it wrongly suspects (`task-list`) only costs a less specific error message.
 */
const KEY_SHAPED = /sk-|sk_|cs_|akia|xox[abp]-|bearer|[A-Za-z0-9]{20,}/i;

/**
 * What a client sent, fit to quote in an error message (a model name, a parameter name), or undefined. A client
 * that puts a secret where a name belongs (FAULTS #28) must not get it echoed into a response, a log or a proxy's
 * access log; the message is then worded without it.
 */
export function echoable(text: string): string | undefined {
  return NAME.test(text) && !KEY_SHAPED.test(text) ? text : undefined;
}
