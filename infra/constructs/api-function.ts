import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
/** What a function is and how big: every route's `FunctionSpec` has it, and so do functions that serve no route. */
export interface FunctionSizing {
  /** Also the bundle folder under `bundleDir`. */
  readonly name: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
}

export interface ApiFunctionProps {
  readonly spec: FunctionSizing;
  /** Behind API Gateway (29 s) a timeout above 28 s is a mistake; functions invoked otherwise may raise it. */
  readonly maxTimeoutSeconds?: number;
  /** Folder holding `<name>/index.js` for every function (`dist/lambda` after `npm run build`). */
  readonly bundleDir: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly retainLogs: boolean;
  /** Only with the optional Redis cache: the functions then run in its VPC's private subnets. */
  readonly network?: { readonly vpc: ec2.IVpc; readonly securityGroup: ec2.ISecurityGroup; readonly subnets: ec2.SubnetSelection };
}

/**
 * One route's function: nodejs24.x on arm64 from our own esbuild bundle, a log group kept one month, and a
 * role of its own that starts empty — no AWS managed policy (AWSLambdaBasicExecutionRole grants logs on
 * `*`); it may write to its own log group only, and the stack adds exactly what the route needs.
 */
export class ApiFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const { spec } = props;
    const maxTimeout = props.maxTimeoutSeconds ?? 28;
    if (spec.timeoutSeconds > maxTimeout) throw new Error(`${spec.name}: timeout ${spec.timeoutSeconds}s exceeds ${maxTimeout} s`);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `cloud-sayings ${spec.name}: least privilege`,
    });
    this.logGroup.grantWrite(this.role);
    // In a VPC, Lambda manages the function's network interfaces through its role; those EC2 actions have
    // no resource-level form, so AWS's own managed policy is the narrowest grant there is.
    if (props.network) this.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));

    this.function = new lambda.Function(this, 'Function', {
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      // Source maps stay on the build machine: nothing reads them in Lambda without --enable-source-maps.
      code: lambda.Code.fromAsset(path.join(props.bundleDir, spec.name), { exclude: ['*.map'] }),
      memorySize: spec.memorySize,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment },
      ...(props.network
        ? { vpc: props.network.vpc, vpcSubnets: props.network.subnets, securityGroups: [props.network.securityGroup] }
        : {}),
    });
  }

  /** Adds one statement to this function's own policy. */
  allow(statement: iam.PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }
}
