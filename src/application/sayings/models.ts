import { sayingModels, type ModelCatalog, type ModelSpec } from '../../domain/catalog/model-catalog';
import type { LlmProvider, ModelProviders } from '../../ports/llm-provider';

/** The catalog joined with the provider serving each model. */
export class ModelDirectory {
  constructor(
    readonly catalog: ModelCatalog,
    private readonly providers: ModelProviders,
  ) {}

  /** The sayings models that have a provider (live or offline). */
  sayingModels(): readonly ModelSpec[] {
    return sayingModels(this.catalog).filter((m) => this.providers.has(m.key));
  }

  provider(modelKey: string): LlmProvider | undefined {
    return this.providers.get(modelKey);
  }

  /** Live means a real vendor serves it; offline means the simulation stands in. */
  isLive(modelKey: string): boolean {
    const provider = this.providers.get(modelKey);
    return provider !== undefined && !provider.offline;
  }
}
