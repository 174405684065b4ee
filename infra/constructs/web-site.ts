import * as fs from 'node:fs';
import * as path from 'node:path';
import { CustomResource, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface WebSiteProps {
  readonly envName: string;
  readonly retain: boolean;
}

export interface WebDeploymentProps {
  /** The built pages (`dist/web`). Missing → only `config.json` is deployed; upload pages with `aws s3 sync`. */
  readonly webDir: string | undefined;
  /** Written to `/config.json` (e.g. the API URL). */
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * The web pages: a private, encrypted S3 bucket read only by CloudFront (Origin Access Control). The API
 * can be put on the same distribution (`routeApi`), so the pages call `/sayings` on their own origin exactly
 * as they do on the local server.
 */
export class WebSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // `/dashboard` → `/dashboard.html`, `/x/` → `/x/index.html`: S3 behind OAC has no index documents.
    const prettyUrls = new cloudfront.Function(this, 'PrettyUrls', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Map extension-less page paths to their .html objects',
      code: cloudfront.FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          '  var uri = request.uri;',
          "  if (uri.endsWith('/')) { request.uri = uri + 'index.html'; }",
          "  else if (uri.split('/').pop().indexOf('.') === -1) { request.uri = uri + '.html'; }",
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `cloud-sayings ${props.envName}`,
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [{ function: prettyUrls, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
    });
    this.siteUrl = `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Serves `paths` from the HTTP API at `apiEndpoint` (`https://<id>.execute-api.<region>.amazonaws.com`),
   * uncached. The API answers only to its own Host, so the viewer's Host is never forwarded; the listed
   * headers are the ones the API reads (CloudFront-Viewer-Address carries the client's address). Every request
   * also carries `originSecret` as `x-origin-verify` (ADR 0022) — in the template as a Secrets Manager dynamic
   * reference, resolved by CloudFormation at deploy — so the API can tell CloudFront's requests from direct ones.
   */
  routeApi(apiEndpoint: string, paths: readonly string[], originSecret: secretsmanager.ISecret): void {
    const origin = new origins.HttpOrigin(Fn.select(2, Fn.split('/', apiEndpoint)), {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      readTimeout: Duration.seconds(30),
      customHeaders: { 'x-origin-verify': originSecret.secretValue.unsafeUnwrap() },
    });
    const originRequestPolicy = new cloudfront.OriginRequestPolicy(this, 'ApiRequests', {
      comment: 'cloud-sayings API: query strings and the headers the API reads, never Host',
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(
        'Accept',
        'Content-Type',
        'Idempotency-Key',
        'Origin',
        'X-Request-Id',
        'CloudFront-Viewer-Address',
      ),
    });
    for (const path of paths) {
      this.distribution.addBehavior(path, origin, {
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy,
      });
    }
  }

  /**
   * Copies the built pages and `config.json` into the bucket at deploy time (BucketDeployment: a
   * CDK-provided Lambda and the AWS CLI layer, both shipped inside aws-cdk-lib, so synthesis stays offline).
   * Files under `assets/` carry a content hash in their names (the web build's esbuild) and are cached for a
   * year; pages and config.json for a minute, so a deploy shows without a CloudFront invalidation.
   */
  deploy(props: WebDeploymentProps): s3deploy.BucketDeployment[] {
    const hasPages = props.webDir !== undefined && fs.existsSync(props.webDir);
    const assetsDir = hasPages && props.webDir !== undefined ? path.join(props.webDir, 'assets') : undefined;
    const hasAssets = assetsDir !== undefined && fs.existsSync(assetsDir);
    const logGroup = new logs.LogGroup(this, 'DeployLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // Shared by both deployments. No `distribution` here: BucketDeployment would then grant
    // cloudfront:CreateInvalidation on `*`.
    const common = { destinationBucket: this.bucket, memoryLimit: 256, logGroup };
    const config = s3deploy.Source.jsonData('config.json', props.config);
    const pages = new s3deploy.BucketDeployment(this, 'Deploy', {
      ...common,
      sources: hasPages && props.webDir !== undefined ? [s3deploy.Source.asset(props.webDir, { exclude: ['assets', '*.map'] }), config] : [config],
      // Pruning removes pages that are gone, never the hashed assets (another deployment owns them).
      prune: hasPages,
      exclude: ['assets/*'],
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.seconds(60))],
    });
    if (!hasAssets || assetsDir === undefined) return [pages];
    // Assets first, so that a new page never points at a file that is not there yet.
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      ...common,
      sources: [s3deploy.Source.asset(assetsDir, { exclude: ['*.map'] })],
      destinationKeyPrefix: 'assets/',
      // Old hashed files stay: a page cached for its minute may still ask for them.
      prune: false,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.days(365)), s3deploy.CacheControl.immutable()],
    });
    // Between the two custom resources only: a dependency on the whole construct would include the
    // shared handler's layer and make a cycle.
    const customResource = (d: s3deploy.BucketDeployment) => d.node.children.find((c): c is CustomResource => c instanceof CustomResource);
    const pagesResource = customResource(pages);
    const assetsResource = customResource(assets);
    if (pagesResource && assetsResource) pagesResource.node.addDependency(assetsResource);
    return [pages, assets];
  }
}
