import type { Saying } from '../../domain/sayings/saying';
import type { SayingRepo, VotedFilter } from '../../ports/saying-repo';
import type { MemoryState } from './memory-state';

export class InMemorySayingRepo implements SayingRepo {
  constructor(private readonly state: MemoryState) {}

  get(id: string): Promise<Saying | undefined> {
    return Promise.resolve(this.state.sayings.get(id));
  }

  putIfAbsent(saying: Saying): Promise<void> {
    if (this.state.sayings.has(saying.id)) return Promise.resolve();
    this.state.sayings.set(saying.id, saying);
    return this.state.journal.write({ t: 'saying', saying }, false);
  }

  listCollection(): Promise<readonly Saying[]> {
    return Promise.resolve([...this.state.sayings.values()].filter((s) => s.origin.kind === 'collection'));
  }

  listVoted(filter: VotedFilter): Promise<readonly Saying[]> {
    const voted = [...this.state.sayings.values()].filter((s) => {
      if (s.upvotes + s.downvotes === 0) return false;
      if (filter.vendor === undefined && filter.model === undefined) return true;
      const o = s.origin;
      return o.kind === 'generated' && (filter.vendor ?? o.vendor) === o.vendor && (filter.model ?? o.model) === o.model;
    });
    return Promise.resolve(voted);
  }

  count(): Promise<number> {
    return Promise.resolve(this.state.sayings.size);
  }
}
