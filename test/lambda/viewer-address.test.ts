import { ORIGIN_SECRET, ViewerAddress } from '../../src/entrypoints/lambda/viewer-address';
import type { SecretStore } from '../../src/ports/secret-store';

/*
 * Who the client is behind CloudFront (ADR 0022): CloudFront-Viewer-Address is believed only with CloudFront's
 * origin secret beside it; anything else — no secret, a wrong one, a store that fails — is the source IP.
 */
const SECRET = 'origin-secret-0123456789abcdefghijklmnopqrstuv';
const HEADER = 'cloudfront-viewer-address';

function store(read: () => Promise<string | undefined>): SecretStore & { reads: number } {
  const s = { reads: 0, get: (name: string) => (s.reads++, name === ORIGIN_SECRET ? read() : Promise.resolve(undefined)) };
  return s;
}

function logger() {
  const lines: { message: string; fields?: object }[] = [];
  return { lines, error: (message: string, fields?: object) => lines.push({ message, ...(fields ? { fields } : {}) }) };
}

describe('ViewerAddress', () => {
  it('believes the viewer address when the request carries the origin secret', async () => {
    const viewer = new ViewerAddress(HEADER, store(() => Promise.resolve(SECRET)), logger());
    await expect(viewer.of({ [HEADER]: '198.51.100.7:46532', 'x-origin-verify': SECRET })).resolves.toBe('198.51.100.7');
    await expect(viewer.of({ 'CloudFront-Viewer-Address': '2001:db8::7:41000', 'X-Origin-Verify': SECRET })).resolves.toBe('2001:db8::7');
  });

  it.each([
    ['no secret', { [HEADER]: '198.51.100.7:1' }],
    ['an empty secret', { [HEADER]: '198.51.100.7:1', 'x-origin-verify': '' }],
    ['a guess', { [HEADER]: '198.51.100.7:1', 'x-origin-verify': 'a-guess' }],
    ['the secret and more', { [HEADER]: '198.51.100.7:1', 'x-origin-verify': `${SECRET}x` }],
    ['a prefix of it', { [HEADER]: '198.51.100.7:1', 'x-origin-verify': SECRET.slice(0, -1) }],
    ['the secret but no address', { 'x-origin-verify': SECRET }],
    ['the secret and an address without a port', { [HEADER]: '198.51.100.7', 'x-origin-verify': SECRET }],
    ['no headers at all', undefined],
  ])('falls back to the source IP for %s', async (_name, headers) => {
    const viewer = new ViewerAddress(HEADER, store(() => Promise.resolve(SECRET)), logger());
    await expect(viewer.of(headers)).resolves.toBeUndefined();
  });

  it('reads no secret for a request that presents none (the common direct call costs nothing)', async () => {
    const secrets = store(() => Promise.resolve(SECRET));
    await new ViewerAddress(HEADER, secrets, logger()).of({ [HEADER]: '198.51.100.7:1' });
    expect(secrets.reads).toBe(0);
  });

  it('an unreadable or missing secret trusts nobody and says so for the alarm, without the presented value', async () => {
    for (const read of [() => Promise.reject(Object.assign(new Error(`SSM said no to ${SECRET}`), { name: 'SecretStoreError' })), () => Promise.resolve(undefined)]) {
      const log = logger();
      const viewer = new ViewerAddress(HEADER, store(read), log);
      await expect(viewer.of({ [HEADER]: '198.51.100.7:1', 'x-origin-verify': SECRET })).resolves.toBeUndefined();
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]?.fields).toMatchObject({ alert: 'origin_secret' });
      expect(JSON.stringify(log.lines)).not.toContain(SECRET);
    }
  });
});
