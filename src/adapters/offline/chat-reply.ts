import { CHAT_LANGUAGES, type ChatLanguage } from '../../domain/chat/chat-language';
import { CHAT_PROMPT_TAG, REFERENCE_SAYING, REFERENCE_SERVICE } from '../../domain/chat/chat-prompt';
import type { LlmMessage } from '../../ports/llm-provider';

interface Phrases {
  readonly label: string;
  quoted(service: string, topic: string, text: string): string;
  service(service: string, topic: string): string;
  saying(text: string): string;
  readonly help: string;
}

const PHRASES: Readonly<Record<ChatLanguage, Phrases>> = {
  ja: {
    label: '（オフラインのシミュレーションによる回答です）',
    quoted: (s, t, x) => `この格言は ${s}（${t}）についてのものです：「${x}」。${s} の特徴をユーモアで表しています。`,
    service: (s, t) => `${s} は ${t} のための AWS のサービスです。`,
    saying: (x) => `こんな格言があります：「${x}」`,
    help: '格言の解説、サービスに合う格言の提案、格言で取り上げている AWS サービスについての質問にお答えします。例：「DynamoDB の格言を教えて」',
  },
  en: {
    label: '(Offline simulation) ',
    quoted: (s, t, x) => `That saying is about ${s} (${t}): "${x}" It pokes fun at what ${s} does.`,
    service: (s, t) => `${s} is AWS's service for ${t}.`,
    saying: (x) => ` A saying about it: "${x}"`,
    help: 'I can explain a saying, suggest one for a service, or answer questions about the AWS services the sayings joke about. Try: "Suggest a saying for DynamoDB".',
  },
  zh: {
    label: '（离线模拟回答）',
    quoted: (s, t, x) => `这句格言说的是 ${s}（${t}）：「${x}」，用幽默的方式讲它的特点。`,
    service: (s, t) => `${s} 是 AWS 提供的${t}服务。`,
    saying: (x) => `有一句关于它的格言：「${x}」`,
    help: '我可以解释格言、为某个服务推荐格言，或回答格言里提到的 AWS 服务的问题。例如：「推荐一句关于 DynamoDB 的格言」。',
  },
};

const TAG = new RegExp(`^<${CHAT_PROMPT_TAG} language="([a-z]+)">`);

/**
 * The offline simulation's chat answer, from the chat prompt's own structure (language and reference block):
 * deterministic, in the reply language, and clearly labelled. Undefined for any prompt that is not a chat.
 */
export function offlineChatReply(messages: readonly LlmMessage[]): string | undefined {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const language = TAG.exec(system)?.[1];
  if (!language || !(CHAT_LANGUAGES as readonly string[]).includes(language)) return undefined;
  const p = PHRASES[language as ChatLanguage];
  const lines = system.split('\n');
  const services = lines.filter((l) => l.startsWith(REFERENCE_SERVICE)).map((l) => split(l.slice(REFERENCE_SERVICE.length)));
  const sayings = lines.filter((l) => l.startsWith(REFERENCE_SAYING)).map((l) => split(l.slice(REFERENCE_SAYING.length)));
  const topicOf = (name: string) => services.find(([s]) => s === name)?.[1] ?? 'the cloud';

  const quoted = sayings.find(([, kind]) => kind === 'quoted by the user');
  if (quoted) return p.label + p.quoted(quoted[0] ?? '', topicOf(quoted[0] ?? ''), quoted[2] ?? '');
  if (services.length === 0) return p.label + p.help;
  const parts = services.map(([name = '', topic = '']) => {
    const saying = sayings.find(([s]) => s === name)?.[2];
    return p.service(name, topic) + (saying ? p.saying(saying) : '');
  });
  return p.label + parts.join(language === 'en' ? ' ' : '');
}

/** `a | b | c` → [a, b, c], splitting on the first two separators only (a saying may hold a bar). */
function split(line: string): readonly string[] {
  const first = line.indexOf(' | ');
  if (first < 0) return [line];
  const second = line.indexOf(' | ', first + 3);
  if (second < 0) return [line.slice(0, first), line.slice(first + 3)];
  return [line.slice(0, first), line.slice(first + 3, second), line.slice(second + 3)];
}
