/** The languages the companion answers in (seed 002's `preferredLanguage`). */
export const CHAT_LANGUAGES = ['ja', 'en', 'zh'] as const;
export type ChatLanguage = (typeof CHAT_LANGUAGES)[number];

export const LANGUAGE_NAMES: Readonly<Record<ChatLanguage, string>> = {
  ja: 'Japanese',
  en: 'English',
  zh: 'Simplified Chinese',
};

const KANA = /[\u3040-\u30ff\uff66-\uff9f]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/gu;
const LETTER = /\p{L}/gu;
const LATIN_WORD = /\p{Script=Latin}{2,}/gu;

/**
 * The language to answer in: the one the user writes in when the text says so, else their preference.
 * Kana is only Japanese; Han without kana is Chinese or Japanese, so the preference decides between them
 * (Chinese when the preference is English); text that is mostly Latin letters, in at least two words, is
 * English — a lone word is usually a service name ("Lambda"), which says nothing about the language.
 */
export function replyLanguage(message: string, preferred: ChatLanguage): ChatLanguage {
  if (KANA.test(message)) return 'ja';
  if (HAN.test(message)) return preferred === 'en' ? 'zh' : preferred;
  const letters = message.match(LETTER)?.length ?? 0;
  const latin = message.match(LATIN)?.length ?? 0;
  const words = message.match(LATIN_WORD)?.length ?? 0;
  if (letters > 0 && latin / letters >= 0.5 && words >= 2) return 'en';
  return preferred;
}
