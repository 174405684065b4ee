import { randomUUID } from 'node:crypto';
import type { RandomSource } from '../../ports/random-source';

/** `Math.random` is fine for picking sayings; ids come from the CSPRNG. */
export class CryptoRandomSource implements RandomSource {
  next(): number {
    return Math.random();
  }

  uuid(): string {
    return randomUUID();
  }
}
