import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';

export interface RedisCacheProps {
  readonly namePrefix: string;
}

/**
 * Optional (off by default, ADR 0011): ElastiCache Serverless (Valkey, Redis-compatible, TLS only) in a VPC
 * of its own. The functions then run in the private subnets; they reach DynamoDB through a gateway
 * endpoint and SSM, Bedrock and the model vendors through one NAT gateway — the fixed cost this brings is
 * why it is off.
 */
export class RedisCache extends Construct {
  readonly vpc: ec2.Vpc;
  readonly clientSecurityGroup: ec2.SecurityGroup;
  readonly url: string;
  readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    this.clientSecurityGroup = new ec2.SecurityGroup(this, 'Clients', {
      vpc: this.vpc,
      description: 'cloud-sayings functions (Redis clients)',
      allowAllOutbound: true,
    });
    const cacheGroup = new ec2.SecurityGroup(this, 'CacheGroup', {
      vpc: this.vpc,
      description: 'cloud-sayings Redis: reachable from the functions only',
      allowAllOutbound: false,
    });
    cacheGroup.addIngressRule(this.clientSecurityGroup, ec2.Port.tcp(6379), 'Redis from the functions');

    const cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: `${props.namePrefix}-cache`,
      engine: 'valkey',
      majorEngineVersion: '8',
      securityGroupIds: [cacheGroup.securityGroupId],
      subnetIds: this.vpc.selectSubnets(this.subnets).subnetIds,
    });
    this.url = `rediss://${cache.attrEndpointAddress}:${cache.attrEndpointPort}`;
  }
}
