import { isUtf8 } from 'node:buffer';
import { nestsDeeperThan } from '../../core/json-depth';
import type { HttpRequest, HttpResponse } from '../../core/http-types';
import { err, ok, type Result } from '../../../../domain/shared/result';
import { HttpError } from '../../http-error';
import { openAiError } from './openai-errors';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/** No OpenAI request nests deeper than a content part inside a message inside the body, plus room for metadata. */
export const MAX_JSON_DEPTH = 32;

/**
 * The 415 for a compressed body, from either door before the body is read or limited: the gateway inflates
 * nothing a client sends (a small gzip body can inflate past any limit), and a body flagged as compressed is not
 * served as if it were not.
 */
export function encodingRefusal(contentEncoding: string | undefined): HttpError | undefined {
  if (contentEncoding === undefined || contentEncoding.toLowerCase() === 'identity') return undefined;
  return new HttpError(415, 'unsupported_encoding', 'The Content-Encoding is not supported; send the body uncompressed.');
}

const invalid = (message: string, code: string, status = 400): HttpResponse => openAiError(status, message, 'invalid_request_error', code);

/**
 * The request body as JSON, refused in OpenAI's shape: 415 for another media type or charset, 413 past the
 * limit (before a byte is parsed), 400 for a missing body, invalid UTF-8, nesting past MAX_JSON_DEPTH or bad JSON.
 */
export function readGatewayJson(request: HttpRequest, limitBytes: number): Result<unknown, HttpResponse> {
  const type = request.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) return err(invalid('Send the body as JSON with Content-Type: application/json.', 'unsupported_media_type', 415));
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return err(invalid('Send the body as UTF-8.', 'unsupported_charset', 415));
  const body = request.body;
  if (body !== undefined && body.length > limitBytes) return err(invalid(`The request body is larger than ${limitBytes} bytes.`, 'request_too_large', 413));
  if (body === undefined || body.length === 0) return err(invalid('The request needs a JSON body.', 'invalid_value'));
  if (!isUtf8(body)) return err(invalid('The body is not valid UTF-8.', 'invalid_utf8'));
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) return err(invalid(`The JSON nests deeper than ${MAX_JSON_DEPTH} levels.`, 'nesting_too_deep'));
  try {
    return ok(JSON.parse(body.toString('utf8')));
  } catch {
    return err(invalid('The body is not valid JSON.', 'invalid_json'));
  }
}
