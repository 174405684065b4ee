import fc from 'fast-check';
import { parseSayings } from '../../src/domain/sayings/parse';
import { MAX_SAYING_LENGTH, MIN_SAYING_LENGTH, buildSayingPrompt, servicesLine } from '../../src/domain/sayings/prompt';
import { normalizeText } from '../../src/domain/sayings/saying';
import { AWS_SERVICES } from '../../src/domain/services/aws-services';

const PROMPT_MARKERS = ['<task>', '<services>', '<format>', 'services:', 'write 3 sayings', 'json array'];

/** Sayings a model might write: words with inner punctuation, no markdown, quotes or brackets. */
const saneSaying = fc
  .array(
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9']{0,9}$/), fc.constantFrom('', '', '', ',', '.', '!', '?', ';', ' -')),
    { minLength: 2, maxLength: 30 },
  )
  .map((ws) => ws.map(([w, p]) => w + p).join(' '))
  .filter((s) => s.length >= MIN_SAYING_LENGTH && s.length <= MAX_SAYING_LENGTH)
  .filter((s) => !PROMPT_MARKERS.some((m) => s.toLowerCase().includes(m)) && !/['-]$/.test(s));

const sayingList = fc.uniqueArray(saneSaying, { minLength: 1, maxLength: 8, selector: normalizeText });

const proseBefore = fc.constantFrom('', 'Here are your sayings:', 'Sure! Here you go.', 'Of course.\n\nHere they are:');
const proseAfter = fc.constantFrom('', 'Hope you enjoy them!', 'Let me know if you would like more.');

const numbered = fc.constantFrom((i: number) => `${i}.`, (i: number) => `${i})`, (i: number) => `(${i})`, (i: number) => `${i}:`);
const bullet = fc.constantFrom('-', '*', '•', '·');

type Render = (sayings: readonly string[]) => string;
const render: fc.Arbitrary<[string, Render]> = fc.oneof(
  fc.constant<[string, Render]>(['json', (s) => JSON.stringify(s)]),
  fc.constant<[string, Render]>(['json pretty', (s) => JSON.stringify(s, null, 2)]),
  fc.constant<[string, Render]>(['json fenced', (s) => '```json\n' + JSON.stringify(s, null, 2) + '\n```']),
  fc.constant<[string, Render]>(['json objects', (s) => JSON.stringify(s.map((saying, i) => ({ service: `svc${i}`, saying })))]),
  fc.constant<[string, Render]>(['tag, plain lines', (s) => `<sayings>\n${s.join('\n')}\n</sayings>`]),
  numbered.map<[string, Render]>((m) => ['tag, numbered', (s) => `<sayings>\n${s.map((x, i) => `${m(i + 1)} ${x}`).join('\n')}\n</SAYINGS>`]),
  numbered.map<[string, Render]>((m) => ['numbered', (s) => s.map((x, i) => `${m(i + 1)} ${x}`).join('\n')]),
  bullet.map<[string, Render]>((b) => ['bullets', (s) => s.map((x) => `${b} ${x}`).join('\n\n')]),
);

const answerFor = (sayings: readonly string[], [, r]: [string, Render], before: string, after: string): string =>
  [before, r(sayings), after].filter((x) => x !== '').join('\n');

function expectWellFormed(out: readonly string[], max: number): void {
  expect(out.length).toBeLessThanOrEqual(max);
  const norms = out.map(normalizeText);
  expect(new Set(norms).size).toBe(norms.length);
  for (const s of out) {
    expect(s.length).toBeGreaterThanOrEqual(MIN_SAYING_LENGTH);
    expect(s.length).toBeLessThanOrEqual(MAX_SAYING_LENGTH);
    expect(/\p{L}/u.test(s)).toBe(true);
    for (const m of PROMPT_MARKERS) expect(s.toLowerCase()).not.toContain(m);
  }
}

describe('parseSayings', () => {
  it('recovers sane sayings in order, whatever format and prose around them', () => {
    fc.assert(
      fc.property(sayingList, render, proseBefore, proseAfter, fc.nat(4), (sayings, r, before, after, extra) => {
        const answer = answerFor(sayings, r, before, after);
        expect(parseSayings(answer, sayings.length + extra)).toEqual(sayings);
      }),
    );
  });

  it('returns only the first `max` when the model wrote more', () => {
    fc.assert(
      fc.property(sayingList, render, proseBefore, proseAfter, fc.nat(8), (sayings, r, before, after, max) => {
        const answer = answerFor(sayings, r, before, after);
        const fewer = Math.max(1, Math.min(max, sayings.length));
        expect(parseSayings(answer, fewer)).toEqual(sayings.slice(0, fewer));
      }),
    );
  });

  it('drops repeats (by normalised text) and keeps the first', () => {
    fc.assert(
      fc.property(sayingList, render, (sayings, r) => {
        const first = sayings[0]!;
        const echoed = [...sayings, first.toUpperCase(), `${first}!!`];
        expect(parseSayings(r[1](echoed), 20)).toEqual(sayings);
      }),
    );
  });

  it('on any input returns at most max distinct, sane sayings without prompt markers', () => {
    const junkLine = fc.oneof(
      fc.string({ maxLength: 300 }),
      saneSaying,
      fc.constantFrom('Services: Amazon S3 (object storage)', '<task>Write 3 sayings</task>', 'Reply with a JSON array', '1.', '- ', '**Bold**: a', '"quoted saying here"'),
    );
    const answer = fc.oneof(
      fc.string({ maxLength: 500 }),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.array(junkLine, { maxLength: 10 }).map((ls) => ls.join('\n')),
      fc.array(fc.oneof(junkLine, fc.record({ saying: junkLine }), fc.integer()), { maxLength: 10 }).map((v) => JSON.stringify(v)),
      fc.tuple(sayingList, render).map(([s, r]) => r[1](s)),
    );
    fc.assert(
      fc.property(answer, fc.integer({ min: 1, max: 10 }), (a, max) => {
        expectWellFormed(parseSayings(a, max), max);
      }),
      { numRuns: 300 },
    );
  });

  it('examples', () => {
    expect(parseSayings('["S3 keeps your data safe and sound.", 42, {"saying": "Lambda runs while you sleep, billed by the ms."}]', 3)).toEqual([
      'S3 keeps your data safe and sound.',
      'Lambda runs while you sleep, billed by the ms.',
    ]);
    const claude = [
      'Here are three sayings:',
      '<sayings>',
      '1. **S3**: Eleven nines of durability for your cat photos.',
      '2) "DynamoDB scales, your schema regrets do not."',
      '(3) `Lambda` is a server you never have to patch.',
      '</sayings>',
      'Hope you like them!',
    ].join('\n');
    expect(parseSayings(claude, 3)).toEqual([
      'Eleven nines of durability for your cat photos.',
      'DynamoDB scales, your schema regrets do not.',
      'Lambda is a server you never have to patch.',
    ]);
    const prose = 'Sure, here you go:\nCloudFront caches it close to everyone.\n\nRoute 53 always knows where to go.';
    expect(parseSayings(prose, 5)).toEqual(['CloudFront caches it close to everyone.', 'Route 53 always knows where to go.']);
    // Too short, too long, no letters, prompt echoes: dropped.
    const bad = ['- short', `- ${'x'.repeat(MAX_SAYING_LENGTH + 1)}`, '- 1234567890123', '- Services: Amazon S3 (object storage)', '- A fine saying about IAM roles.'];
    expect(parseSayings(bad.join('\n'), 5)).toEqual(['A fine saying about IAM roles.']);
    expect(parseSayings('', 3)).toEqual([]);
  });

  // Regression: the `out.length >= max` check runs after the push, so max = 0 still returns one saying.
  it('returns nothing for max = 0', () => {
    expect(parseSayings('1. This is a saying about S3 buckets', 0)).toEqual([]);
  });
});

describe('buildSayingPrompt', () => {
  const services = fc.subarray([...AWS_SERVICES], { minLength: 1, maxLength: 5 });

  it('asks openai models for a JSON array and claude models for a <sayings> block, both naming the services', () => {
    fc.assert(
      fc.property(services, (svcs) => {
        const openai = buildSayingPrompt('openai', svcs).map((m) => m.content).join('\n');
        expect(openai).toContain('JSON array');
        expect(openai).toContain(`${svcs.length} strings`);
        expect(openai).not.toContain('<sayings>');
        expect(openai).toContain(servicesLine(svcs));
        for (const vendor of ['anthropic', 'bedrock'] as const) {
          const claude = buildSayingPrompt(vendor, svcs).map((m) => m.content).join('\n');
          expect(claude).toContain('<sayings>');
          expect(claude).toContain(servicesLine(svcs));
          expect(claude).toContain(`Write ${svcs.length} sayings`);
        }
      }),
    );
  });

  it('servicesLine names every service with its topic, in order', () => {
    expect(servicesLine([AWS_SERVICES[0]!, AWS_SERVICES[1]!])).toBe(
      'Services: Amazon EC2 (virtual servers in the cloud); AWS Lambda (serverless functions)',
    );
  });

  it('a prompt echoed back by a model yields no sayings', () => {
    const svcs = AWS_SERVICES.slice(0, 3);
    for (const vendor of ['openai', 'anthropic'] as const) {
      const echo = buildSayingPrompt(vendor, svcs).map((m) => m.content).join('\n');
      for (const s of parseSayings(echo, 3)) for (const m of PROMPT_MARKERS) expect(s.toLowerCase()).not.toContain(m);
    }
  });
});
