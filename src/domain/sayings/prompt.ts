import type { Vendor } from '../catalog/model-catalog';
import type { AwsService } from '../services/aws-service';

export interface PromptMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export const MAX_SAYING_LENGTH = 220;
export const MIN_SAYING_LENGTH = 12;

/** The line that names the services; the offline provider reads it back, so its shape is fixed. */
export function servicesLine(services: readonly AwsService[]): string {
  return `Services: ${services.map((s) => `${s.name} (${s.topic})`).join('; ')}`;
}

const SHARED_RULES = [
  'one saying per service, in the order given',
  `each under ${MAX_SAYING_LENGTH} characters, one or two sentences`,
  'witty and kind, accurate about what the service does',
  'plain text: no markdown, no emoji, no hashtags, no quotation marks around the saying',
];

/**
 * Each vendor gets the prompt shape it follows best (seed 001): Claude reads XML-tagged instructions and
 * answers inside a tag; GPT models follow a terse system prompt and return a JSON array.
 */
export function buildSayingPrompt(vendor: Vendor, services: readonly AwsService[]): readonly PromptMessage[] {
  const count = services.length;
  if (vendor === 'openai') {
    return [
      {
        role: 'system',
        content: `You write short, witty sayings about cloud services. Rules: ${SHARED_RULES.join('; ')}. Reply with a JSON array of ${count} strings and nothing else.`,
      },
      { role: 'user', content: `${servicesLine(services)}\nWrite ${count} sayings.` },
    ];
  }
  return [
    {
      role: 'system',
      content: 'You are a cloud engineer with a dry sense of humour who writes memorable one-line sayings about AWS services.',
    },
    {
      role: 'user',
      content: [
        `<task>Write ${count} sayings, ${SHARED_RULES.join('; ')}.</task>`,
        `<services>\n${servicesLine(services)}\n</services>`,
        `<format>Answer inside <sayings></sayings> as a numbered list, 1. to ${count}., one saying per line.</format>`,
      ].join('\n'),
    },
  ];
}
