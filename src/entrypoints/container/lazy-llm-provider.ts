import type { LlmProvider, LlmRequest, LlmResult, LlmStreamEvent } from '../../ports/llm-provider';

/**
 * A vendor's provider that loads its adapter — and with it the vendor's SDK — on the first call, not at
 * start-up. A Lambda cold start then evaluates no model SDK until a request needs one (the first three
 * requests of an instance never do, and a function that never calls a model never pays for it).
 * A failed load is not cached: the next call tries again.
 */
export class LazyLlmProvider implements LlmProvider {
  readonly offline = false;
  private loading: Promise<LlmProvider> | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<LlmProvider>,
  ) {}

  async generate(request: LlmRequest): Promise<LlmResult> {
    return (await this.provider()).generate(request);
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    yield* (await this.provider()).stream(request);
  }

  private provider(): Promise<LlmProvider> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}
