/** SHA-256 for API-key hashes and cache keys; the domain builds the canonical text, an adapter hashes it. */
export interface Hasher {
  /** Lower-case hex SHA-256 of the UTF-8 text. */
  sha256Hex(text: string): string;
}
