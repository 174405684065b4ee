/** Names an error message may repeat back: identifier-shaped, short. */
const NAME = /^[A-Za-z0-9._:\-[\]]{1,64}$/;
/** Credential prefixes (ours and the vendors'), or a long run of random-looking characters. */
const KEY_SHAPED = /(?:^|[^A-Za-z0-9])(?:sk-|sk_|cs_|akia|xox[abp]-|bearer)|[A-Za-z0-9]{20,}/i;

/**
 * What a client sent, fit to quote in an error message (a model name, a parameter name), or undefined. A client
 * that puts a secret where a name belongs (FAULTS #28) must not get it echoed into a response, a log or a proxy's
 * access log; the message is then worded without it.
 */
export function echoable(text: string): string | undefined {
  return NAME.test(text) && !KEY_SHAPED.test(text) ? text : undefined;
}
