import { sayingModels, type ModelCatalog, type ModelSpec } from '../../domain/catalog/model-catalog';
import type { ModelCandidate } from '../../domain/chat/model-choice';
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

  /** Every catalog model that has a provider, as cost-aware choice sees it (live, and not failing fast). */
  candidates(): readonly ModelCandidate[] {
    return [...this.catalog.values()].flatMap((spec) => {
      const provider = this.providers.get(spec.key);
      return provider ? [{ spec, live: !provider.offline, available: provider.isAvailable?.() ?? true }] : [];
    });
  }

  /** Live means a real vendor serves it; offline means the simulation stands in. */
  isLive(modelKey: string): boolean {
    const provider = this.providers.get(modelKey);
    return provider !== undefined && !provider.offline;
  }
}
