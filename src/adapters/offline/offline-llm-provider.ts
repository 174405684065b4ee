import { setTimeout as sleep } from 'node:timers/promises';
import { estimateTokens } from '../../domain/limits/token-estimate';
import type { LlmMessage, LlmProvider, LlmRequest, LlmResult, LlmStreamEvent } from '../../ports/llm-provider';
import { LlmProviderError } from '../../ports/llm-provider';
import { SeededRandomSource } from '../system/seeded-random-source';
import { offlineChatReply } from './chat-reply';
import { OFFLINE_OPENERS, OFFLINE_TEMPLATES } from './phrase-bank';

export interface OfflineSettings {
  readonly seed: number;
  /** Simulated model latency, drawn uniformly from this range. */
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
}

const SERVICES_LINE = /^Services:\s*(.+)$/m;
const SERVICE_ITEM = /^(.+?)\s*\(([^()]*)\)$/;

/**
 * A clearly labelled simulation that stands in for a model with no credentials: no network, the same
 * answers for the same seed and calls, a plausible latency and token counts so that costs and stats work.
 */
export class OfflineLlmProvider implements LlmProvider {
  readonly name = 'offline';
  readonly offline = true;
  private readonly random: SeededRandomSource;

  constructor(private readonly settings: OfflineSettings) {
    this.random = new SeededRandomSource(settings.seed);
  }

  async generate(request: LlmRequest): Promise<LlmResult> {
    const text = this.answer(request.messages);
    await this.simulateLatency(request.signal);
    return {
      text,
      usage: { inputTokens: promptTokens(request.messages), outputTokens: Math.min(request.maxTokens, estimateTokens(text)) },
      finishReason: 'stop',
      rawFinishReason: 'offline_stop',
    };
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const text = this.answer(request.messages);
    const words = text.split(/(?<=\s)/);
    const pause = (this.latency() / Math.max(1, words.length));
    for (const word of words) {
      await sleep(pause, undefined, { signal: request.signal }).catch((error: unknown) => {
        throw aborted(error);
      });
      yield { type: 'text-delta', text: word };
    }
    yield {
      type: 'finish',
      usage: { inputTokens: promptTokens(request.messages), outputTokens: estimateTokens(text) },
      finishReason: 'stop',
      rawFinishReason: 'offline_stop',
    };
  }

  private answer(messages: readonly LlmMessage[]): string {
    const chat = offlineChatReply(messages);
    if (chat !== undefined) return chat;
    const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const services = parseServices(lastUser);
    if (services.length === 0) {
      return `(Offline simulation: no model is configured, so this is a canned reply.) You said: "${lastUser.slice(0, 200)}". Set OPENAI_API_KEY or ANTHROPIC_API_KEY for a real answer.`;
    }
    const sayings = services.map((s) => this.saying(s.name, s.topic));
    const wantsJson = messages.some((m) => m.role === 'system' && /json array/i.test(m.content));
    if (wantsJson) return JSON.stringify(sayings);
    return `Here are ${sayings.length} sayings:\n<sayings>\n${sayings.map((s, i) => `${i + 1}. ${s}`).join('\n')}\n</sayings>`;
  }

  private saying(name: string, topic: string): string {
    const template = OFFLINE_TEMPLATES[Math.floor(this.random.next() * OFFLINE_TEMPLATES.length)] ?? '{name} does {topic}.';
    const opener = this.random.next() < 0.3 ? (OFFLINE_OPENERS[Math.floor(this.random.next() * OFFLINE_OPENERS.length)] ?? '') : '';
    const body = template.replaceAll('{name}', name).replaceAll('{topic}', topic);
    return opener ? `${opener} ${body}` : body;
  }

  private latency(): number {
    const { minLatencyMs, maxLatencyMs } = this.settings;
    return minLatencyMs + this.random.next() * Math.max(0, maxLatencyMs - minLatencyMs);
  }

  private async simulateLatency(signal: AbortSignal | undefined): Promise<void> {
    const ms = this.latency();
    if (ms <= 0 && !signal?.aborted) return;
    await sleep(ms, undefined, { signal }).catch((error: unknown) => {
      throw aborted(error);
    });
  }
}

function parseServices(prompt: string): readonly { name: string; topic: string }[] {
  const line = SERVICES_LINE.exec(prompt)?.[1];
  if (!line) return [];
  return line.split(';').flatMap((item) => {
    const match = SERVICE_ITEM.exec(item.trim());
    return match?.[1] && match[2] !== undefined ? [{ name: match[1], topic: match[2] }] : [];
  });
}

function promptTokens(messages: readonly LlmMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content) + 4, 0);
}

function aborted(cause: unknown): LlmProviderError {
  return new LlmProviderError('timeout', 'the offline model call was aborted before it finished', { provider: 'offline', cause });
}
