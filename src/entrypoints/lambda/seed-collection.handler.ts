import { COLLECTION_ENTRIES } from '../../adapters/collection/collection-entries';
import type { SeedCollectionUseCase } from '../../application/seed-collection/seed-collection.use-case';
import { TOKENS } from '../container/tokens';
import { startAwsRuntime } from './aws-runtime';

/**
 * Run by the deploy trigger (infra/constructs/collection-seed.ts): stores the shipped collection, adding only
 * what is missing. A failure throws, so the trigger — and with it the deployment — fails visibly.
 */
export const handler = async (): Promise<{ readonly collection: number }> => {
  const rt = await ready;
  await rt.container.get<SeedCollectionUseCase>(TOKENS.SeedCollection).execute(COLLECTION_ENTRIES, Date.now());
  return { collection: COLLECTION_ENTRIES.length };
};

/** The cold-start work, started at module load so it overlaps Lambda's init phase. */
export const ready = startAwsRuntime();
