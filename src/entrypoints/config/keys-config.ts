import * as z from 'zod';
import { adminTokenProblem } from '../../domain/keys/admin-token';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const DAY_MS = 86_400_000;

/** API-key settings both profiles read (ADR 0012), spread into the shared shape. */
export const keysSharedShape = {
  /** How long a process trusts what it read about a key; a revocation elsewhere takes effect within this (+ one lookup). */
  API_KEY_CACHE_TTL_MS: int(0, 60_000).default(2_000),
  /** How long a rotated-out key keeps working unless the rotation says otherwise. */
  API_KEY_ROTATION_GRACE_MS: int(0, 30 * DAY_MS).default(DAY_MS),
  /** A budget reservation not settled by then is presumed orphaned (its process died) and may be reclaimed. */
  API_KEY_RESERVATION_TTL_MS: int(60_000, 3_600_000).default(900_000),
};

/** The local profile reads the admin token from the environment, checked at start-up (never echoed). */
export const keysLocalShape = {
  ADMIN_TOKEN: z
    .string()
    .superRefine((token, ctx) => {
      const problem = adminTokenProblem(token);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
};

/** The aws profile: the apiKeys table, and the SecureString holding the admin token (`/cloud-sayings/<env>/admin/token` by default). */
export const keysAwsShape = {
  API_KEYS_TABLE: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)' }),
  ADMIN_TOKEN_PARAMETER_NAME: z.string().regex(/^\/[\w./-]{1,1010}$/, { error: 'must be an SSM parameter name starting with /' }).optional(),
};

export const adminTokenParameter = (appEnv: string, configured: string | undefined): string => configured ?? `/cloud-sayings/${appEnv}/admin/token`;
