import type { Vendor } from '../../domain/catalog/model-catalog';
import type { SayingRepo } from '../../ports/saying-repo';
import type { ModelDirectory } from '../sayings/models';

export interface ModelHealth {
  readonly model: string;
  readonly vendor: Vendor;
  readonly displayName: string;
  readonly status: 'live' | 'offline';
  readonly provider: string;
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
  ) {}

  async execute(): Promise<HealthView> {
    const count = await this.sayings.count().catch(() => null);
    const models = [...this.models.catalog.values()].flatMap((spec): ModelHealth[] => {
      const provider = this.models.provider(spec.key);
      if (!provider) return [];
      return [{ model: spec.key, vendor: spec.vendor, displayName: spec.displayName, status: provider.offline ? 'offline' : 'live', provider: provider.name }];
    });
    return { status: count === null ? 'degraded' : 'ok', collection: { readable: count !== null, sayings: count }, models };
  }
}
