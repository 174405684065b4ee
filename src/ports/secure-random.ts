/** Bytes from a cryptographically secure generator, for secrets such as API keys (the domain formats them). */
export interface SecureRandom {
  bytes(length: number): Uint8Array;
}
