import type { Saying } from '../../domain/sayings/saying';
import type { SayingRepo } from '../../ports/saying-repo';
import type { Logger } from '../../ports/logger';

export interface CollectionEntry {
  /** Stable, so that seeding twice (or on two instances) stores each saying once. */
  readonly id: string;
  readonly serviceId: string;
  readonly text: string;
}

/** Loads the stored collection on first start; safe to run on every start. */
export class SeedCollectionUseCase {
  constructor(
    private readonly repo: SayingRepo,
    private readonly logger: Logger,
  ) {}

  async execute(entries: readonly CollectionEntry[], now: number): Promise<void> {
    const existing = await this.repo.listCollection();
    if (existing.length >= entries.length) return;
    const have = new Set(existing.map((s) => s.id));
    const missing = entries.filter((e) => !have.has(e.id));
    for (const entry of missing) {
      const saying: Saying = {
        id: entry.id,
        text: entry.text,
        serviceId: entry.serviceId,
        origin: { kind: 'collection' },
        generation: undefined,
        upvotes: 0,
        downvotes: 0,
        createdAt: now,
      };
      await this.repo.putIfAbsent(saying);
    }
    this.logger.info('collection seeded', { added: missing.length });
  }
}
