/**
 * Original sayings written for Cloud Sayings, used to seed the collection
 * before any LLM has written anything. Every `serviceId` is an id from
 * `AWS_SERVICES`. Pure data.
 */
export interface SeedSaying {
  readonly serviceId: string;
  readonly text: string;
}

export const SEED_SAYINGS: readonly SeedSaying[] = [
  // Amazon S3
  { serviceId: 's3', text: 'An S3 bucket has no bottom, which is wonderful right up until someone asks what is in it.' },
  { serviceId: 's3', text: 'Eleven nines of durability means your data will outlive the project, the team, and the memory of why it was uploaded.' },
  { serviceId: 's3', text: 'A public S3 bucket is just a press release you forgot to write.' },

  // AWS Lambda
  { serviceId: 'lambda', text: 'A Lambda function lives fifteen minutes at most, which is plenty of time to discover it needed sixteen.' },
  { serviceId: 'lambda', text: 'Cold starts are how Lambda reminds you that even serverless has to get out of bed in the morning.' },
  { serviceId: 'lambda', text: 'With Lambda you stop patching servers and start patching the assumptions you made about them.' },

  // Amazon DynamoDB
  { serviceId: 'dynamodb', text: 'In DynamoDB you design the access patterns first, then spend the rest of the year wishing you had designed one more.' },
  { serviceId: 'dynamodb', text: 'DynamoDB answers in single-digit milliseconds, provided you ask the exact question it was expecting.' },
  { serviceId: 'dynamodb', text: 'A full table scan in DynamoDB is the database version of reading the whole dictionary to find one word.' },

  // Amazon EC2
  { serviceId: 'ec2', text: 'An EC2 instance left running over a long weekend is the most expensive space heater ever invented.' },
  { serviceId: 'ec2', text: 'There are hundreds of EC2 instance types, and the right one is always the one you did not pick.' },
  { serviceId: 'ec2', text: 'Give an EC2 instance a cute name and it becomes a pet, and nobody is ever allowed to terminate a pet.' },

  // AWS IAM
  { serviceId: 'iam', text: 'Least privilege in IAM is simple: start with nothing and add permissions until the errors stop and the auditors start.' },
  { serviceId: 'iam', text: 'Every IAM policy with a wildcard in it is a small act of optimism.' },
  { serviceId: 'iam', text: 'IAM always has a perfectly good reason for denying you access; it simply prefers to keep that reason to itself.' },

  // Amazon CloudWatch
  { serviceId: 'cloudwatch', text: 'CloudWatch keeps every log line forever unless you set a retention policy, which nobody does until finance asks.' },
  { serviceId: 'cloudwatch', text: 'An alarm that fires every night is not monitoring; it is a lullaby with a pager attached.' },
  { serviceId: 'cloudwatch', text: 'CloudWatch metrics tell you what happened, and CloudWatch dashboards tell you what you hoped people would look at.' },

  // Amazon CloudFront
  { serviceId: 'cloudfront', text: 'CloudFront puts your content close to every user, including the bug you accidentally cached for a week.' },
  { serviceId: 'cloudfront', text: 'A CDN cannot make a slow origin fast, but CloudFront can make it slow much less often.' },
  { serviceId: 'cloudfront', text: 'Invalidating a CloudFront cache is the quickest way to learn how many edge locations you have been ignoring.' },

  // Amazon Route 53
  { serviceId: 'route-53', text: 'Route 53 is named after the DNS port, which is fitting, because DNS is the first suspect in every outage.' },
  { serviceId: 'route-53', text: 'Changing a record in Route 53 takes seconds; convincing the rest of the internet takes a full TTL.' },
  { serviceId: 'route-53', text: 'When nothing works and nothing changed, check Route 53, then gently check who said nothing changed.' },

  // Amazon SQS
  { serviceId: 'sqs', text: 'An SQS queue is patience as a service: the message will wait, and so, apparently, will you.' },
  { serviceId: 'sqs', text: 'SQS promises at-least-once delivery, so write every consumer as if it will hear everything twice.' },
  { serviceId: 'sqs', text: 'A dead-letter queue is where messages go to sit quietly and think about what they have done.' },

  // Amazon SNS
  { serviceId: 'sns', text: 'SNS fans one message out to every subscriber, which is how a single typo reaches a hundred inboxes at once.' },
  { serviceId: 'sns', text: 'Publishing to an SNS topic is like making an announcement in a crowded room: everyone subscribed hears it, wanted or not.' },

  // Amazon EventBridge
  { serviceId: 'eventbridge', text: 'EventBridge lets services talk without knowing each other, which makes it the healthiest relationship in your architecture.' },
  { serviceId: 'eventbridge', text: 'An EventBridge rule with a slightly wrong pattern matches nothing at all, silently and with perfect reliability.' },
  { serviceId: 'eventbridge', text: 'In an event-driven system nothing calls anything, so debugging begins by asking EventBridge who said what to whom.' },

  // AWS Step Functions
  { serviceId: 'step-functions', text: 'Step Functions turns your business process into a diagram, so everyone can finally see how complicated it always was.' },
  { serviceId: 'step-functions', text: 'A retry policy in Step Functions is optimism with exponential backoff.' },
  { serviceId: 'step-functions', text: 'Step Functions remembers every state transition, which is more than the people who designed the workflow can say.' },

  // Amazon API Gateway
  { serviceId: 'api-gateway', text: 'API Gateway stands at the front door checking tickets, throttling the crowd, and now and then returning a 502 for dramatic effect.' },
  { serviceId: 'api-gateway', text: 'The default API Gateway integration timeout is twenty-nine seconds, roughly the attention span of a user watching a spinner.' },
  { serviceId: 'api-gateway', text: 'Every API begins as one tidy endpoint in API Gateway and ends as a versioning strategy.' },

  // Amazon RDS
  { serviceId: 'rds', text: 'RDS handles the backups, patches and failover, leaving you free to worry about the query you wrote at midnight.' },
  { serviceId: 'rds', text: 'A Multi-AZ RDS deployment is insurance you resent paying for right up until the day you collect.' },
  { serviceId: 'rds', text: 'RDS can grow your storage automatically, but no setting in the console can grow a missing index.' },

  // Amazon Aurora
  { serviceId: 'aurora', text: 'Aurora keeps six copies of your data across three Availability Zones, so even your mistakes are highly durable.' },
  { serviceId: 'aurora', text: 'Aurora Serverless scales down when things are quiet, making it the only part of the stack that knows how to relax.' },
  { serviceId: 'aurora', text: 'Moving the tables to Aurora is easy; moving the stored procedures everyone forgot about is the real migration.' },

  // Amazon ElastiCache
  { serviceId: 'elasticache', text: 'ElastiCache makes reads fast and cache invalidation philosophical.' },
  { serviceId: 'elasticache', text: 'A cache hit in ElastiCache saves you a millisecond, and a stale cache hit costs you an afternoon.' },
  { serviceId: 'elasticache', text: 'Put ElastiCache in front of a slow database and you get a fast database that is occasionally, confidently out of date.' },

  // Amazon ECS
  { serviceId: 'ecs', text: 'An ECS task definition is a recipe, and its revision number counts how many times dinner was burned.' },
  { serviceId: 'ecs', text: 'ECS keeps your desired count of tasks running with the quiet persistence of a parent refilling the fridge.' },
  { serviceId: 'ecs', text: 'ECS runs containers without demanding a whole new vocabulary, which some engineers find deeply suspicious.' },

  // Amazon EKS
  { serviceId: 'eks', text: 'EKS manages the Kubernetes control plane so you can devote yourself entirely to the YAML.' },
  { serviceId: 'eks', text: 'Managed Kubernetes on EKS is like a managed volcano: still a volcano, but someone else watches the summit.' },
  { serviceId: 'eks', text: 'Upgrading an EKS cluster is a rite of passage that comes around several times a year, ready or not.' },

  // AWS Fargate
  { serviceId: 'fargate', text: 'Fargate runs containers without servers, so the only thing left to right-size is your expectations.' },
  { serviceId: 'fargate', text: 'With Fargate there is no host to log into, which is both a security feature and a small personal loss.' },
  { serviceId: 'fargate', text: 'Fargate bills per second for vCPU and memory, so every idle task is a tiny meter ticking away in the dark.' },

  // Amazon Kinesis
  { serviceId: 'kinesis', text: 'Kinesis streams your data in real time, which means your bugs now arrive in real time as well.' },
  { serviceId: 'kinesis', text: 'Choosing a Kinesis shard count by hand is fortune telling with a throughput calculator.' },
  { serviceId: 'kinesis', text: 'A Kinesis stream keeps records for a day by default, which is exactly how long it takes to notice the consumer stopped.' },

  // AWS Glue
  { serviceId: 'glue', text: 'AWS Glue crawls your data lake and infers a schema with more confidence than anyone who produced the data ever had.' },
  { serviceId: 'glue', text: 'Glue lives up to its name: it holds the data platform together, and nobody is quite sure how to remove it.' },
  { serviceId: 'glue', text: 'A Glue job promises to turn messy data into clean data, and keeps that promise one bookmark at a time.' },

  // Amazon Athena
  { serviceId: 'athena', text: 'Athena charges by the data scanned, so a careless SELECT star becomes a financial decision.' },
  { serviceId: 'athena', text: 'Partition your data before pointing Athena at it, or every small question will read the entire library.' },
  { serviceId: 'athena', text: 'Athena is serverless SQL, which means there is no cluster to blame when the query is slow.' },

  // Amazon Redshift
  { serviceId: 'redshift', text: 'Redshift can answer questions about billions of rows, provided someone still remembers what the columns mean.' },
  { serviceId: 'redshift', text: 'Redshift turns raw data into dashboards, and dashboards into meetings about the dashboards.' },
  { serviceId: 'redshift', text: 'Pick a good sort key in Redshift and queries fly; pick a bad one and they mostly contemplate.' },

  // Amazon SageMaker
  { serviceId: 'sagemaker', text: 'In SageMaker the model takes an hour to train and the data takes a month to clean.' },
  { serviceId: 'sagemaker', text: 'A SageMaker notebook instance left running over the holidays trains nothing except your appreciation for auto-stop.' },
  { serviceId: 'sagemaker', text: 'SageMaker endpoints serve predictions around the clock, even at three in the morning when nobody is asking.' },

  // Amazon Bedrock
  { serviceId: 'bedrock', text: 'Bedrock puts many foundation models behind one API, so you can compare their confidence side by side.' },
  { serviceId: 'bedrock', text: 'With Bedrock the model writes a first draft in seconds, after you spent all week writing the prompt.' },
  { serviceId: 'bedrock', text: 'Bedrock bills by the token, which is the first time in history that verbosity came with a price tag.' },

  // AWS CloudFormation
  { serviceId: 'cloudformation', text: 'A CloudFormation stack stuck in UPDATE_ROLLBACK_FAILED is a lesson in patience, written in capital letters.' },
  { serviceId: 'cloudformation', text: 'CloudFormation describes your infrastructure in a template, and drift detection describes what people did anyway.' },
  { serviceId: 'cloudformation', text: 'Every CloudFormation template starts small and elegant, then collects parameters the way a ship collects barnacles.' },

  // AWS CDK
  { serviceId: 'cdk', text: 'The CDK lets you write infrastructure in a real programming language, so now your infrastructure can have off-by-one errors too.' },
  { serviceId: 'cdk', text: 'One line of CDK can synthesize a thousand lines of CloudFormation, which is either leverage or a warning.' },
  { serviceId: 'cdk', text: 'Running cdk diff before every deploy is the most honest code review you will get all week.' },

  // AWS Systems Manager Parameter Store
  { serviceId: 'parameter-store', text: 'Parameter Store keeps all your configuration in one place, so at least every environment is wrong in the same way.' },
  { serviceId: 'parameter-store', text: 'A deep hierarchy in Parameter Store is a filing cabinet full of settings nobody dares to change.' },

  // AWS Secrets Manager
  { serviceId: 'secrets-manager', text: 'Secrets Manager rotates your database passwords on a schedule, which is more than anyone ever managed by hand.' },
  { serviceId: 'secrets-manager', text: 'A secret in Secrets Manager is safe; the same secret pasted into a chat thread is the start of a long story.' },
  { serviceId: 'secrets-manager', text: 'The best secret is one no human has ever seen, and Secrets Manager works very hard to keep it that way.' },

  // AWS KMS
  { serviceId: 'kms', text: 'KMS guards your keys so carefully that sometimes even you cannot use them, which is exactly the point.' },
  { serviceId: 'kms', text: 'Envelope encryption is a key wrapped in a key, like nesting dolls designed by a security team.' },
  { serviceId: 'kms', text: 'Deleting a KMS key comes with a mandatory waiting period, because the cloud knows you might change your mind.' },

  // Amazon VPC
  { serviceId: 'vpc', text: 'A VPC is your own private network in the cloud, complete with subnets you plan carefully once and regret slowly.' },
  { serviceId: 'vpc', text: 'CIDR ranges chosen in a hurry come back years later to overlap with the one network you need to peer with.' },
  { serviceId: 'vpc', text: 'In a VPC, a missing route is quieter than any error message and twice as confusing.' },

  // AWS NAT Gateway
  { serviceId: 'nat-gateway', text: 'A NAT Gateway lets private subnets reach the internet and lets the monthly bill reach new heights.' },
  { serviceId: 'nat-gateway', text: 'NAT Gateway charges for every gigabyte it processes, so the packages your servers download are never truly free.' },
  { serviceId: 'nat-gateway', text: 'Every cost review eventually finds the NAT Gateway line, and every team then discovers VPC endpoints.' },

  // Elastic Load Balancing
  { serviceId: 'elastic-load-balancing', text: 'A load balancer spreads traffic evenly, which is more fairness than the on-call rotation has ever achieved.' },
  { serviceId: 'elastic-load-balancing', text: 'Load balancer health checks are refreshingly honest: if your app cannot say hello, it gets no visitors.' },
  { serviceId: 'elastic-load-balancing', text: 'Sticky sessions on a load balancer are how a stateless architecture quietly becomes stateful again.' },

  // Amazon EC2 Auto Scaling
  { serviceId: 'auto-scaling', text: 'Auto Scaling adds servers when traffic climbs and removes them just in time for the next spike.' },
  { serviceId: 'auto-scaling', text: 'Auto Scaling will absorb almost any surge, right up to the maximum capacity you typed in during a calmer week.' },
  { serviceId: 'auto-scaling', text: 'A good scaling policy is like a good thermostat: nobody notices it until someone turns it all the way up.' },

  // Amazon Cognito
  { serviceId: 'cognito', text: 'Cognito handles sign-up, sign-in and forgotten passwords, which covers most of what users ever do with an app.' },
  { serviceId: 'cognito', text: 'Identity is hard, so Cognito does it for you, and the customization guide is where you learn just how hard.' },

  // AWS Amplify
  { serviceId: 'amplify', text: 'Amplify gets a full-stack app online by lunch, and leaves you the generated configuration to read over dessert.' },
  { serviceId: 'amplify', text: 'Amplify builds and deploys on every push, which turns each commit into a tiny launch party.' },

  // AWS AppSync
  { serviceId: 'appsync', text: 'AppSync lets clients ask for exactly the data they need, and then they politely ask for all of it anyway.' },
  { serviceId: 'appsync', text: 'An AppSync resolver is a small translator between what the client wants and where the data actually lives.' },

  // AWS Cost Explorer
  { serviceId: 'cost-explorer', text: 'Cost Explorer is the cloud holding up a mirror, grouped by service and filtered by regret.' },
  { serviceId: 'cost-explorer', text: 'Nobody opens Cost Explorer out of idle curiosity; they open it because someone in finance used the word spike.' },
  { serviceId: 'cost-explorer', text: 'Cost Explorer can forecast next month\'s bill, which is more planning than most architectures ever receive.' },

  // AWS Trusted Advisor
  { serviceId: 'trusted-advisor', text: 'Trusted Advisor lists every idle resource you own, like a kind friend mentioning the gym membership you never use.' },
  { serviceId: 'trusted-advisor', text: 'A page of green checks in Trusted Advisor is a clean bill of health, valid until the next deploy.' },

  // AWS CloudTrail
  { serviceId: 'cloudtrail', text: 'CloudTrail records every API call, so the question of who deleted that always has an answer, welcome or not.' },
  { serviceId: 'cloudtrail', text: 'With CloudTrail switched on there are no mysteries in your account, only timestamps.' },
  { serviceId: 'cloudtrail', text: 'CloudTrail is the flight recorder of your account, and it is always worth reading before blaming anyone.' },

  // AWS Config
  { serviceId: 'config', text: 'AWS Config remembers how every resource looked yesterday, which makes it the only teammate who can say what changed.' },
  { serviceId: 'config', text: 'A Config rule is a tiny auditor that never sleeps and never accepts a just-this-once exception.' },

  // Amazon GuardDuty
  { serviceId: 'guardduty', text: 'GuardDuty watches your logs for threats so that you can sleep, if only lightly.' },
  { serviceId: 'guardduty', text: 'When GuardDuty reports crypto mining in your account, it is not a compliment about your compute capacity.' },
  { serviceId: 'guardduty', text: 'GuardDuty reads more of your logs than any human ever will, and it even understands them.' },

  // AWS WAF
  { serviceId: 'waf', text: 'AWS WAF turns malicious requests away at the door, which is the politest possible way of saying not today.' },
  { serviceId: 'waf', text: 'A WAF rule written too broadly blocks the attackers and, with equal enthusiasm, your own checkout page.' },
  { serviceId: 'waf', text: 'A rate-based rule in AWS WAF is how you teach an overexcited bot some manners.' },

  // AWS Shield
  { serviceId: 'shield', text: 'Shield stands between your app and a flood of traffic, quietly absorbing what would have been a very loud afternoon.' },
  { serviceId: 'shield', text: 'Shield Standard is on by default, which makes it the only security control nobody ever had to file a ticket for.' },

  // Amazon S3 Glacier
  { serviceId: 'glacier', text: 'Glacier Deep Archive is cheap because getting data back takes hours, about as long as remembering why you wanted it.' },
  { serviceId: 'glacier', text: 'Glacier is where data goes to retire, drawing a very modest pension per gigabyte.' },
  { serviceId: 'glacier', text: 'Data in Glacier is like a winter coat in the attic: cheap to keep, slow to fetch, and never in the box you open first.' },

  // Amazon EFS
  { serviceId: 'efs', text: 'EFS is a file system that grows as you write to it, like a closet that quietly adds shelves overnight.' },
  { serviceId: 'efs', text: 'EFS lets many instances share the same files, and therefore the same file locking surprises.' },

  // Amazon EBS
  { serviceId: 'ebs', text: 'An EBS volume can outlive its instance, which is how accounts fill up with disks nobody remembers attaching.' },
  { serviceId: 'ebs', text: 'EBS snapshots are cheap insurance, and the restore you never tested is the fine print.' },
  { serviceId: 'ebs', text: 'Moving EBS volumes from gp2 to gp3 is that rare change that makes things faster and cheaper at the same time.' },

  // Amazon Lightsail
  { serviceId: 'lightsail', text: 'Lightsail is the cloud with training wheels, and plenty of happy businesses never needed to take them off.' },
  { serviceId: 'lightsail', text: 'Lightsail charges a flat monthly price, which makes it the only cloud bill you can predict on a napkin.' },

  // AWS Batch
  { serviceId: 'batch', text: 'AWS Batch queues thousands of jobs and runs them as capacity frees up, turning patience into a compute strategy.' },
  { serviceId: 'batch', text: 'With AWS Batch the jobs run overnight, and so does your optimism that every single one will succeed.' },

  // AWS CodePipeline
  { serviceId: 'codepipeline', text: 'CodePipeline carries every commit from source to production, pausing politely at each stage to check nothing is on fire.' },
  { serviceId: 'codepipeline', text: 'A manual approval step in CodePipeline is where automation waits patiently for someone to come back from lunch.' },
  { serviceId: 'codepipeline', text: 'A fully green run in CodePipeline is the most satisfying color in all of software.' },

  // AWS X-Ray
  { serviceId: 'x-ray', text: 'X-Ray traces a request across every service it touched, so you can finally see where those four seconds went.' },
  { serviceId: 'x-ray', text: 'The X-Ray service map shows the architecture you actually built, not the one drawn on the whiteboard.' },

  // AWS Organizations
  { serviceId: 'organizations', text: 'AWS Organizations lets you manage many accounts as one, which is how a startup quietly grows an org chart.' },
  { serviceId: 'organizations', text: 'A service control policy in Organizations is a rule that even the account administrator cannot argue with.' },

  // AWS CodeBuild
  { serviceId: 'codebuild', text: 'CodeBuild starts every build in a clean container, which is how it works on my machine stopped being an excuse.' },
  { serviceId: 'codebuild', text: 'The fastest CodeBuild run is the one where the dependency cache actually hits.' },

  // Amazon ECR
  { serviceId: 'ecr', text: 'ECR stores every container image you push, including each latest tag that was not actually the latest.' },
  { serviceId: 'ecr', text: 'An ECR lifecycle policy is spring cleaning for images nobody has pulled since last spring.' },

  // Amazon OpenSearch Service
  { serviceId: 'opensearch', text: 'OpenSearch finds the needle in your haystack of logs, as long as someone sized the cluster for the haystack.' },
  { serviceId: 'opensearch', text: 'An OpenSearch cluster in yellow health is like a check engine light: probably fine, definitely worth a look.' },

  // Amazon MSK
  { serviceId: 'msk', text: 'MSK runs Apache Kafka for you, so you can focus on the genuinely hard problem of naming the topics.' },
  { serviceId: 'msk', text: 'Kafka on MSK keeps events in order within a partition, which is more order than most backlogs ever see.' },

  // Amazon SES
  { serviceId: 'ses', text: 'SES can send a million emails, and your sender reputation decides how many of them reach an inbox.' },
  { serviceId: 'ses', text: 'Leaving the SES sandbox is a rite of passage in which you solemnly promise not to spam anyone.' },

  // AWS Backup
  { serviceId: 'backup', text: 'AWS Backup makes taking backups easy; the restore drill is what makes them real.' },
  { serviceId: 'backup', text: 'A backup plan you have never restored from is just a hope with a schedule.' },

  // AWS Transit Gateway
  { serviceId: 'transit-gateway', text: 'Transit Gateway connects all your VPCs through one hub, turning a plate of network spaghetti into a tidy wheel.' },
  { serviceId: 'transit-gateway', text: 'Before Transit Gateway, every new VPC meant another peering connection and another box on an already crowded diagram.' },

  // AWS Budgets
  { serviceId: 'budgets', text: 'AWS Budgets sends an alert when spending crosses a threshold, like a friend gently tapping your shoulder at the checkout.' },
  { serviceId: 'budgets', text: 'Set up AWS Budgets before launch, because the invoice is a terrible way to learn what your architecture costs.' },

  // AWS App Runner
  { serviceId: 'app-runner', text: 'App Runner takes a container and hands back a URL, which is the whole dream of deployment in one sentence.' },
  { serviceId: 'app-runner', text: 'App Runner hides the load balancer, the scaling and the certificates, leaving nothing to configure but your ambition.' },
];
