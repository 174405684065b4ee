import type { AwsService } from './aws-service';

/**
 * The AWS services Cloud Sayings knows about. Pure data: ids are stable
 * kebab-case keys, names are the official product names, topics are a few
 * words on what each service does (used in prompts and offline templates).
 */
export const AWS_SERVICES: readonly AwsService[] = [
  // Compute
  { id: 'ec2', name: 'Amazon EC2', topic: 'virtual servers in the cloud' },
  { id: 'lambda', name: 'AWS Lambda', topic: 'serverless functions' },
  { id: 'fargate', name: 'AWS Fargate', topic: 'serverless containers' },
  { id: 'ecs', name: 'Amazon ECS', topic: 'container orchestration' },
  { id: 'eks', name: 'Amazon EKS', topic: 'managed Kubernetes clusters' },
  { id: 'ecr', name: 'Amazon ECR', topic: 'container image storage' },
  { id: 'app-runner', name: 'AWS App Runner', topic: 'web apps from containers' },
  { id: 'lightsail', name: 'Amazon Lightsail', topic: 'simple virtual private servers' },
  { id: 'batch', name: 'AWS Batch', topic: 'batch computing jobs' },
  { id: 'auto-scaling', name: 'Amazon EC2 Auto Scaling', topic: 'automatic capacity scaling' },
  { id: 'elastic-load-balancing', name: 'Elastic Load Balancing', topic: 'traffic load balancing' },

  // Storage
  { id: 's3', name: 'Amazon S3', topic: 'object storage' },
  { id: 'glacier', name: 'Amazon S3 Glacier', topic: 'long-term archival storage' },
  { id: 'ebs', name: 'Amazon EBS', topic: 'block storage volumes' },
  { id: 'efs', name: 'Amazon EFS', topic: 'shared file storage' },
  { id: 'backup', name: 'AWS Backup', topic: 'centralized backup management' },
  { id: 'snowball', name: 'AWS Snowball', topic: 'offline bulk data transfer' },

  // Databases and caching
  { id: 'dynamodb', name: 'Amazon DynamoDB', topic: 'key-value NoSQL storage' },
  { id: 'rds', name: 'Amazon RDS', topic: 'managed relational databases' },
  { id: 'aurora', name: 'Amazon Aurora', topic: 'cloud-native relational databases' },
  { id: 'elasticache', name: 'Amazon ElastiCache', topic: 'in-memory caching' },
  { id: 'opensearch', name: 'Amazon OpenSearch Service', topic: 'search and log analytics' },

  // Networking and content delivery
  { id: 'vpc', name: 'Amazon VPC', topic: 'private cloud networking' },
  { id: 'nat-gateway', name: 'AWS NAT Gateway', topic: 'outbound internet for private subnets' },
  { id: 'transit-gateway', name: 'AWS Transit Gateway', topic: 'hub-and-spoke network routing' },
  { id: 'direct-connect', name: 'AWS Direct Connect', topic: 'dedicated private network connections' },
  { id: 'cloudfront', name: 'Amazon CloudFront', topic: 'content delivery at the edge' },
  { id: 'route-53', name: 'Amazon Route 53', topic: 'DNS and domain routing' },
  { id: 'api-gateway', name: 'Amazon API Gateway', topic: 'managed HTTP APIs' },

  // Application integration
  { id: 'sqs', name: 'Amazon SQS', topic: 'message queues' },
  { id: 'sns', name: 'Amazon SNS', topic: 'pub/sub notifications' },
  { id: 'eventbridge', name: 'Amazon EventBridge', topic: 'event buses and routing' },
  { id: 'step-functions', name: 'AWS Step Functions', topic: 'workflow state machines' },
  { id: 'appsync', name: 'AWS AppSync', topic: 'managed GraphQL APIs' },
  { id: 'msk', name: 'Amazon MSK', topic: 'managed Apache Kafka streaming' },
  { id: 'ses', name: 'Amazon SES', topic: 'transactional and bulk email' },

  // Analytics
  { id: 'kinesis', name: 'Amazon Kinesis', topic: 'real-time data streams' },
  { id: 'glue', name: 'AWS Glue', topic: 'serverless data integration' },
  { id: 'athena', name: 'Amazon Athena', topic: 'SQL queries over object storage' },
  { id: 'redshift', name: 'Amazon Redshift', topic: 'cloud data warehousing' },
  { id: 'emr', name: 'Amazon EMR', topic: 'big data processing clusters' },
  { id: 'quicksight', name: 'Amazon QuickSight', topic: 'business intelligence dashboards' },

  // Machine learning
  { id: 'sagemaker', name: 'Amazon SageMaker', topic: 'machine learning model training' },
  { id: 'bedrock', name: 'Amazon Bedrock', topic: 'managed foundation models' },

  // Infrastructure as code and developer tools
  { id: 'cloudformation', name: 'AWS CloudFormation', topic: 'infrastructure as code templates' },
  { id: 'cdk', name: 'AWS CDK', topic: 'infrastructure in real code' },
  { id: 'codepipeline', name: 'AWS CodePipeline', topic: 'continuous delivery pipelines' },
  { id: 'codebuild', name: 'AWS CodeBuild', topic: 'managed build and test runs' },
  { id: 'amplify', name: 'AWS Amplify', topic: 'full-stack web and mobile apps' },
  { id: 'x-ray', name: 'AWS X-Ray', topic: 'distributed request tracing' },

  // Security, identity and compliance
  { id: 'iam', name: 'AWS IAM', topic: 'identity and access management' },
  { id: 'cognito', name: 'Amazon Cognito', topic: 'user sign-up and sign-in' },
  { id: 'kms', name: 'AWS KMS', topic: 'encryption key management' },
  { id: 'secrets-manager', name: 'AWS Secrets Manager', topic: 'secret storage and rotation' },
  { id: 'parameter-store', name: 'AWS Systems Manager Parameter Store', topic: 'configuration parameter storage' },
  { id: 'guardduty', name: 'Amazon GuardDuty', topic: 'threat detection' },
  { id: 'inspector', name: 'Amazon Inspector', topic: 'vulnerability scanning' },
  { id: 'macie', name: 'Amazon Macie', topic: 'sensitive data discovery' },
  { id: 'security-hub', name: 'AWS Security Hub', topic: 'security findings in one place' },
  { id: 'waf', name: 'AWS WAF', topic: 'web application firewall rules' },
  { id: 'shield', name: 'AWS Shield', topic: 'DDoS protection' },

  // Management and governance
  { id: 'cloudwatch', name: 'Amazon CloudWatch', topic: 'metrics and log monitoring' },
  { id: 'cloudtrail', name: 'AWS CloudTrail', topic: 'API activity auditing' },
  { id: 'config', name: 'AWS Config', topic: 'resource configuration tracking' },
  { id: 'organizations', name: 'AWS Organizations', topic: 'multi-account management' },
  { id: 'control-tower', name: 'AWS Control Tower', topic: 'multi-account landing zones' },
  { id: 'trusted-advisor', name: 'AWS Trusted Advisor', topic: 'best-practice recommendations' },

  // Cost management
  { id: 'cost-explorer', name: 'AWS Cost Explorer', topic: 'cloud spending analysis' },
  { id: 'budgets', name: 'AWS Budgets', topic: 'cost budgets and alerts' },
];
