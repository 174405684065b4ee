import { hash } from 'node:crypto';
import type { Hasher } from '../../ports/hasher';

export class NodeHasher implements Hasher {
  /** One-shot `crypto.hash` (Node ≥ 20.12): no Hash object a call, on the path of every gateway request. */
  sha256Hex(text: string): string {
    return hash('sha256', text, 'hex');
  }
}
