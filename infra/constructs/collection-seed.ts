import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { ApiFunction, type ApiFunctionProps } from './api-function';

export interface CollectionSeedProps {
  readonly bundleDir: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly retainLogs: boolean;
  readonly network?: ApiFunctionProps['network'];
  /** The tables it must wait for. */
  readonly after: readonly dynamodb.ITable[];
  /** Exactly what seeding needs (the sayings table, the configuration path). */
  readonly statements: readonly iam.PolicyStatement[];
}

/**
 * Stores the shipped collection after each deployment that changes it (a CDK Trigger runs the
 * `seed-collection` function once the tables exist, and again whenever its bundle — which holds the
 * collection — changes). Seeding is idempotent, so a re-run adds only what is missing; a failed seed fails
 * the deployment instead of leaving an empty site.
 */
export class CollectionSeed extends Construct {
  readonly fn: ApiFunction;

  constructor(scope: Construct, id: string, props: CollectionSeedProps) {
    super(scope, id);
    this.fn = new ApiFunction(this, 'Function', {
      spec: { name: 'seed-collection', description: 'Stores the shipped collection of sayings (run by a deploy trigger)', memorySize: 512, timeoutSeconds: 120 },
      maxTimeoutSeconds: 900,
      bundleDir: props.bundleDir,
      environment: props.environment,
      retainLogs: props.retainLogs,
      ...(props.network ? { network: props.network } : {}),
    });
    for (const statement of props.statements) this.fn.allow(statement);
    new triggers.Trigger(this, 'AfterDeploy', {
      handler: this.fn.function,
      executeAfter: [...props.after],
      executeOnHandlerChange: true,
      timeout: Duration.minutes(3),
    });
  }
}
