import type { ModelCatalog } from '../../domain/catalog/model-catalog';
import type { ModelDirectory } from '../sayings/models';
import type { ServedModel } from './chat-request';
import type { GatewayCaller } from './gateway-caller';

export interface GatewayModel extends ServedModel {
  readonly displayName: string;
  /** The most output tokens a request may ask for (larger values are clamped). */
  readonly maxOutputTokens: number;
}

/** `GET /v1/models`: the catalog models this key may call, each with the provider that serves it. */
export class ListModelsUseCase {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly models: ModelDirectory,
  ) {}

  execute(caller: GatewayCaller): readonly GatewayModel[] {
    return [...this.catalog.values()].flatMap((spec) => {
      const provider = this.models.provider(spec.key);
      if (!provider || (caller.allowedModels !== undefined && !caller.allowedModels.includes(spec.key))) return [];
      return [
        {
          key: spec.key,
          vendor: spec.vendor,
          vendorModelId: spec.vendorModelId,
          provider: provider.name,
          offline: provider.offline,
          displayName: spec.displayName,
          maxOutputTokens: spec.maxOutputTokens ?? spec.maxTokens,
        },
      ];
    });
  }
}
