import { isUtf8 } from 'node:buffer';
import { HttpError } from '../http-error';
import type { HttpRequest } from './http-types';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/**
 * The body as JSON: 415 for another media type or charset, 413 past the limit, 400 for a missing body,
 * invalid UTF-8 or invalid JSON. The same rules at every door.
 */
export function readJsonBody(request: HttpRequest, limitBytes: number): unknown {
  const type = request.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  }
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(415, 'unsupported_charset', 'Send the body as UTF-8.');
  }
  const body = request.body;
  if (body !== undefined && body.length > limitBytes) {
    throw new HttpError(413, 'payload_too_large', `The body is larger than ${limitBytes} bytes.`);
  }
  if (body === undefined || body.length === 0) throw new HttpError(400, 'invalid_request', 'The request needs a JSON body.');
  if (!isUtf8(body)) throw new HttpError(400, 'invalid_utf8', 'The body is not valid UTF-8.');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

/** Checked before a byte of the body is read, where the door allows it (Express). */
export function declaredLengthTooLarge(headers: HttpRequest['headers'], limitBytes: number): boolean {
  const length = Number(headers['content-length'] ?? '0');
  return Number.isFinite(length) && length > limitBytes;
}
