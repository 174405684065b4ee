import { awsRuntime, startAwsRuntime } from './aws-runtime';
import { functionUrlHandler, outsideLambda, type AwsLambdaStreaming } from './function-url-stream';

/**
 * The gateway's `/v1/` routes on a Lambda function URL with response streaming (ADR 0016). The Node.js Lambda
 * runtime puts `streamifyResponse` on `globalThis.awslambda`; elsewhere (the cold-start bench) the module still
 * loads. Checked by the method, not the object: the AWS SDK's invoke store creates an empty `awslambda` anywhere.
 */
const runtimeGlobal = (globalThis as { awslambda?: Partial<AwsLambdaStreaming> }).awslambda;
const streaming = typeof runtimeGlobal?.streamifyResponse === 'function' ? (runtimeGlobal as AwsLambdaStreaming) : outsideLambda;

export const handler = functionUrlHandler(streaming, () => awsRuntime());

/** The cold-start work, started at module load so it overlaps Lambda's init phase. */
export const ready = startAwsRuntime();
