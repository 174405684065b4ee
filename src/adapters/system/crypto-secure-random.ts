import { randomBytes } from 'node:crypto';
import type { SecureRandom } from '../../ports/secure-random';

/** The operating system's CSPRNG, through Node's `crypto.randomBytes`. */
export class CryptoSecureRandom implements SecureRandom {
  bytes(length: number): Uint8Array {
    return new Uint8Array(randomBytes(length));
  }
}
