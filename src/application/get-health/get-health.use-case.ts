import { retiredModels, type Vendor } from '../../domain/catalog/model-catalog';
import type { Clock } from '../../ports/clock';
import type { SayingRepo } from '../../ports/saying-repo';
import type { ModelDirectory } from '../sayings/models';

export interface ModelHealth {
  readonly model: string;
  readonly vendor: Vendor;
  readonly displayName: string;
  readonly status: 'live' | 'offline';
  readonly provider: string;
  /** The day the vendor retires this model id, when known; `retired` once it has come (move the key with MODEL_OVERRIDES). */
  readonly retiresOn: string | null;
  readonly retired: boolean;
}

export interface HealthView {
  readonly status: 'ok' | 'degraded';
  readonly collection: { readonly readable: boolean; readonly sayings: number | null };
  readonly models: readonly ModelHealth[];
}

export class GetHealthUseCase {
  constructor(
    private readonly models: ModelDirectory,
    private readonly sayings: SayingRepo,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<HealthView> {
    const count = await this.sayings.count().catch(() => null);
    const retired = new Set(retiredModels(this.models.catalog, this.clock.now()).map((spec) => spec.key));
    const models = [...this.models.catalog.values()].flatMap((spec): ModelHealth[] => {
      const provider = this.models.provider(spec.key);
      if (!provider) return [];
      return [
        {
          model: spec.key,
          vendor: spec.vendor,
          displayName: spec.displayName,
          status: provider.offline ? 'offline' : 'live',
          provider: provider.name,
          retiresOn: spec.retiresOn ?? null,
          retired: retired.has(spec.key),
        },
      ];
    });
    return { status: count === null ? 'degraded' : 'ok', collection: { readable: count !== null, sayings: count }, models };
  }
}
