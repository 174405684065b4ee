import { findModel, type ModelCatalog, type ModelSpec } from '../../domain/catalog/model-catalog';
import { effectiveMaxTokens, estimateRequest, type RequestEstimate } from '../../domain/gateway/request-budget';
import { err, ok, type Result } from '../../domain/shared/result';
import { echoable } from '../../domain/text/echo';
import { checkUserText } from '../../domain/text/user-text';
import type { LlmMessage, LlmProvider } from '../../ports/llm-provider';
import type { RateDecision, RateLimiter } from '../../ports/rate-limiter';
import type { ModelDirectory } from '../sayings/models';
import type { GatewayChatRequest, GatewayFailure, GatewaySettings, RateLimitView, ServedModel } from './chat-request';
import type { GatewayCaller } from './gateway-caller';

export interface Prepared {
  readonly spec: ModelSpec;
  readonly provider: LlmProvider;
  readonly served: ServedModel;
  /** Checked and cleaned: NFC, hidden characters removed. */
  readonly messages: readonly LlmMessage[];
  readonly maxTokens: number;
  readonly estimate: RequestEstimate;
}

const WINDOW_MS = 60_000;

/** The checks every chat completion passes before it may cost anything: model, text, limits. */
export class GatewayAdmission {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly models: ModelDirectory,
    private readonly limiter: RateLimiter,
    private readonly settings: GatewaySettings,
  ) {}

  /**
   * A model the key may not use answers exactly like one that does not exist (404 `model_not_found`), as OpenAI
   * does: a key learns nothing about models it cannot call, and `/v1/models` lists only the ones it can.
   */
  resolveModel(caller: GatewayCaller, name: string): Result<{ spec: ModelSpec; provider: LlmProvider; served: ServedModel }, GatewayFailure> {
    const spec = findModel(this.catalog, name);
    const provider = spec && this.models.provider(spec.key);
    if (!spec || !provider || (caller.allowedModels !== undefined && !caller.allowedModels.includes(spec.key))) {
      const shown = echoable(name);
      return err({
        code: 'model_not_found',
        message: `The model ${shown === undefined ? 'asked for' : `\`${shown}\``} does not exist or you do not have access to it; GET /v1/models lists the models this key can use.`,
        param: 'model',
      });
    }
    return ok({
      spec,
      provider,
      served: { key: spec.key, vendor: spec.vendor, vendorModelId: spec.vendorModelId, provider: provider.name, offline: provider.offline },
    });
  }

  /** Defence in depth behind the door's schema: every message checked and cleaned as seed 002 does. */
  prepare(caller: GatewayCaller, request: GatewayChatRequest): Result<Prepared, GatewayFailure> {
    const model = this.resolveModel(caller, request.model);
    if (!model.ok) return model;
    const { maxMessages, maxMessageBytes, maxControlRatio, defaultMaxTokens } = this.settings;
    if (request.messages.length === 0 || request.messages.length > maxMessages) {
      return err(invalid(`Send between 1 and ${maxMessages} messages (got ${request.messages.length}).`, 'messages'));
    }
    const messages: LlmMessage[] = [];
    for (const [i, message] of request.messages.entries()) {
      const checked = checkUserText(message.content, { maxBytes: maxMessageBytes, maxControlRatio });
      if (!checked.ok) return err(invalid(checked.error.message, `messages[${i}].content`));
      messages.push({ role: message.role, content: checked.value });
    }
    const maxTokens = effectiveMaxTokens(request.maxTokens, model.value.spec, defaultMaxTokens);
    return ok({ ...model.value, messages, maxTokens, estimate: estimateRequest(model.value.spec, messages, maxTokens) });
  }

  /** One request against the key's RPM alone: the endpoints that call no model (`/v1/models`, `/v1/usage`). */
  async admitRequest(caller: GatewayCaller): Promise<Result<RateDecision, GatewayFailure>> {
    const rpm = caller.rpm ?? this.settings.defaultRpm;
    const decision = await this.limiter.take(`gw:{${caller.keyId}}:rpm`, { limit: rpm, windowMs: WINDOW_MS });
    if (decision.allowed) return ok(decision);
    return err({ code: 'rate_limit_requests', param: undefined, retryAfterMs: decision.retryAfterMs, message: `Rate limit reached: ${rpm} requests per minute for this key. Try again in ${seconds(decision.retryAfterMs)}.` });
  }

  /** RPM and TPM together, all or nothing, shared by every instance through the limiter. */
  async admit(caller: GatewayCaller, estimate: RequestEstimate): Promise<Result<RateLimitView, GatewayFailure>> {
    const rpm = caller.rpm ?? this.settings.defaultRpm;
    const tpm = caller.tpm ?? this.settings.defaultTpm;
    if (estimate.rateTokens > tpm) {
      return err(
        invalid(
          `This request needs about ${estimate.rateTokens} tokens (an estimate of its input plus max_tokens), more than this key's limit of ${tpm} tokens per minute; lower max_tokens or shorten the messages.`,
          'max_tokens',
          'tokens_over_limit',
        ),
      );
    }
    // One hash tag per key: both buckets live in one Redis Cluster slot, so one script can take from both.
    const tag = `gw:{${caller.keyId}}`;
    const taken = await this.limiter.takeAll([
      { key: `${tag}:rpm`, policy: { limit: rpm, windowMs: WINDOW_MS }, tokens: 1 },
      { key: `${tag}:tpm`, policy: { limit: tpm, windowMs: WINDOW_MS }, tokens: estimate.rateTokens },
    ]);
    const [requests, tokens] = taken.decisions;
    if (!requests || !tokens) throw new Error('the limiter answered fewer decisions than takes');
    const limits = { requests, tokens };
    if (taken.allowed) return ok(limits);
    const retryAfterMs = Math.max(requests.retryAfterMs, tokens.retryAfterMs);
    return err(
      requests.allowed
        ? { code: 'rate_limit_tokens', param: undefined, limits, retryAfterMs, message: `Rate limit reached: ${tpm} tokens per minute for this key. Try again in ${seconds(retryAfterMs)}.` }
        : { code: 'rate_limit_requests', param: undefined, limits, retryAfterMs, message: `Rate limit reached: ${rpm} requests per minute for this key. Try again in ${seconds(retryAfterMs)}.` },
    );
  }
}

const invalid = (message: string, param: string, code: 'invalid_request' | 'tokens_over_limit' = 'invalid_request'): GatewayFailure => ({ code, message, param });

const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))} s`;
