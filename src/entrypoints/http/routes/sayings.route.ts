import type { GetSayingUseCase } from '../../../application/get-saying/get-saying.use-case';
import type { Route } from '../core/http-types';
import { HttpError } from '../http-error';

export const sayingsRoute =
  (getSaying: GetSayingUseCase): Route =>
  async () => {
    const result = await getSaying.execute();
    if (!result.ok) throw new HttpError(503, result.error.code, result.error.message, undefined, { 'Retry-After': '5' });
    return { status: 200, body: result.value };
  };
