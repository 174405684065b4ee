import type { GatewayAdmission } from '../../../../application/gateway/admission';
import type { GatewayKeys } from '../../../../application/gateway/gateway-caller';
import type { ListModelsUseCase } from '../../../../application/gateway/list-models.use-case';
import type { Route } from '../../core/http-types';
import { echoable } from '../../../../domain/text/echo';
import { authenticate } from './gateway-auth';
import { failureResponse, openAiError, UNAUTHORIZED } from './openai-errors';
import { modelBody } from './openai-shapes';

export interface ModelsRouteDeps {
  readonly listModels: ListModelsUseCase;
  readonly keys: GatewayKeys;
  readonly admission: GatewayAdmission;
}

/** `GET /v1/models`: the models this key may call. */
export const modelsRoute =
  (deps: ModelsRouteDeps): Route =>
  async (request) => {
    const caller = await authenticate(deps.keys, request);
    if (!caller) return UNAUTHORIZED;
    const admitted = await deps.admission.admitRequest(caller);
    if (!admitted.ok) return failureResponse(admitted.error);
    return { status: 200, body: { object: 'list', data: deps.listModels.execute(caller).map(modelBody) } };
  };

/** `GET /v1/models/{model}`: one of them, by catalog key; 404 for a model the key cannot use, as for an unknown one. */
export const modelRoute =
  (deps: ModelsRouteDeps): Route =>
  async (request) => {
    const caller = await authenticate(deps.keys, request);
    if (!caller) return UNAUTHORIZED;
    const admitted = await deps.admission.admitRequest(caller);
    if (!admitted.ok) return failureResponse(admitted.error);
    const name = request.params.model ?? '';
    const found = deps.listModels.execute(caller).find((m) => m.key === name || m.vendorModelId === name);
    if (!found) {
      const shown = echoable(name);
      return openAiError(404, `The model ${shown === undefined ? 'asked for' : `\`${shown}\``} does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
    }
    return { status: 200, body: modelBody(found) };
  };
