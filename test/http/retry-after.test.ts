import { retryAfterSeconds } from '../../src/entrypoints/http/http-error';

describe('retryAfterSeconds', () => {
  it.each([
    [0, '1'],
    [1, '1'],
    [999, '1'],
    [1000, '1'],
    [1001, '2'],
    [59_500, '60'],
    [3_600_000, '3600'],
  ])('turns %d ms into Retry-After: %s (whole seconds, rounded up, never 0)', (ms, header) => {
    expect(retryAfterSeconds(ms)).toBe(header);
  });
});
