import { emptyTracking, pickServices, type ServiceTracking } from '../../domain/services/service-selection';
import type { AwsService } from '../../domain/services/aws-service';
import type { RandomSource } from '../../ports/random-source';

/** This instance's memory of which services it asked about, so sayings spread across all of them. */
export class ServicePicker {
  private tracking: ServiceTracking = emptyTracking;
  private readonly byId: ReadonlyMap<string, AwsService>;

  constructor(
    services: readonly AwsService[],
    private readonly recentLimit: number,
    private readonly random: RandomSource,
  ) {
    this.byId = new Map(services.map((s) => [s.id, s]));
  }

  pick(count: number): readonly AwsService[] {
    const outcome = pickServices([...this.byId.keys()], this.tracking, count, this.recentLimit, () => this.random.next());
    this.tracking = outcome.tracking;
    return outcome.picked.map((id) => this.byId.get(id)).filter((s): s is AwsService => s !== undefined);
  }

  name(serviceId: string): string {
    return this.byId.get(serviceId)?.name ?? serviceId;
  }
}
