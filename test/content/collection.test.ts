import { AWS_SERVICES } from '../../src/domain/services/aws-services';
import { SEED_SAYINGS } from '../../src/adapters/collection/seed-sayings';
import { OFFLINE_OPENERS, OFFLINE_TEMPLATES } from '../../src/adapters/offline/phrase-bank';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_LEN = 220;
const MIN_LEN = 30;

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function fill(template: string, name: string, topic: string): string {
  return template.split('{name}').join(name).split('{topic}').join(topic);
}

describe('AWS_SERVICES', () => {
  it('lists at least 48 services', () => {
    expect(AWS_SERVICES.length).toBeGreaterThanOrEqual(48);
  });

  it('has unique kebab-case ids', () => {
    const ids = AWS_SERVICES.map((s) => s.id);
    for (const id of ids) expect(id).toMatch(KEBAB);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has unique names and non-empty names and topics', () => {
    for (const s of AWS_SERVICES) {
      expect(s.name.trim()).not.toBe('');
      expect(s.topic.trim()).not.toBe('');
      expect(s.name).toBe(s.name.trim());
      expect(s.topic).toBe(s.topic.trim());
    }
    const names = AWS_SERVICES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps topics to 2-6 words', () => {
    for (const s of AWS_SERVICES) {
      const words = s.topic.split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(2);
      expect(words).toBeLessThanOrEqual(6);
    }
  });
});

describe('SEED_SAYINGS', () => {
  const serviceIds = new Set(AWS_SERVICES.map((s) => s.id));

  it('has at least 135 sayings', () => {
    expect(SEED_SAYINGS.length).toBeGreaterThanOrEqual(135);
  });

  it('only references known services', () => {
    const unknown = SEED_SAYINGS.filter((s) => !serviceIds.has(s.serviceId)).map((s) => s.serviceId);
    expect(unknown).toEqual([]);
  });

  it('covers at least 45 services, each covered one at least twice', () => {
    const counts = new Map<string, number>();
    for (const s of SEED_SAYINGS) counts.set(s.serviceId, (counts.get(s.serviceId) ?? 0) + 1);
    expect(counts.size).toBeGreaterThanOrEqual(45);
    const thin = [...counts].filter(([, n]) => n < 2).map(([id]) => id);
    expect(thin).toEqual([]);
  });

  it('keeps every saying between 30 and 220 characters', () => {
    const bad = SEED_SAYINGS.filter((s) => s.text.length < MIN_LEN || s.text.length > MAX_LEN).map((s) => s.text);
    expect(bad).toEqual([]);
  });

  it('has no duplicates after normalising', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const s of SEED_SAYINGS) {
      const key = normalise(s.text);
      if (seen.has(key)) dupes.push(s.text);
      seen.set(key, s.text);
    }
    expect(dupes).toEqual([]);
  });

  it('is plain text: no markup, no placeholders, no wrapping quotes, no stray whitespace', () => {
    for (const s of SEED_SAYINGS) {
      expect(s.text).not.toMatch(/[<>{}*`#\n]/);
      expect(s.text).not.toMatch(/^["'\u201c\u2018]/);
      expect(s.text).toBe(s.text.trim());
      expect(s.text).not.toMatch(/ {2}/);
    }
  });
});

describe('offline phrase bank', () => {
  it('has at least 70 unique templates, each using {name}', () => {
    expect(OFFLINE_TEMPLATES.length).toBeGreaterThanOrEqual(70);
    expect(new Set(OFFLINE_TEMPLATES).size).toBe(OFFLINE_TEMPLATES.length);
    for (const t of OFFLINE_TEMPLATES) expect(t).toContain('{name}');
  });

  it('only uses the {name} and {topic} placeholders', () => {
    for (const t of OFFLINE_TEMPLATES) {
      const placeholders = t.match(/\{[^}]*\}/g) ?? [];
      for (const p of placeholders) expect(['{name}', '{topic}']).toContain(p);
    }
  });

  it('fills every template with every service within 220 characters and no braces left', () => {
    const problems: string[] = [];
    for (const t of OFFLINE_TEMPLATES) {
      for (const s of AWS_SERVICES) {
        const filled = fill(t, s.name, s.topic);
        if (filled.length > MAX_LEN || /[{}<>]/.test(filled)) problems.push(filled);
      }
    }
    expect(problems).toEqual([]);
  });

  it('stays within 220 characters even with the longest opener in front', () => {
    const longestOpener = Math.max(...OFFLINE_OPENERS.map((o) => o.length));
    const longestName = Math.max(...AWS_SERVICES.map((s) => s.name.length));
    const longestTopic = Math.max(...AWS_SERVICES.map((s) => s.topic.length));
    const tooLong = OFFLINE_TEMPLATES.filter((t) => {
      const worst = fill(t, 'x'.repeat(longestName), 'y'.repeat(longestTopic));
      return longestOpener + 1 + worst.length > MAX_LEN;
    });
    expect(tooLong).toEqual([]);
  });

  it('has at least 12 unique, short openers', () => {
    expect(OFFLINE_OPENERS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(OFFLINE_OPENERS).size).toBe(OFFLINE_OPENERS.length);
    for (const o of OFFLINE_OPENERS) {
      expect(o.length).toBeLessThanOrEqual(40);
      expect(o).toBe(o.trim());
      expect(o).not.toMatch(/[{}<>]/);
    }
  });
});
