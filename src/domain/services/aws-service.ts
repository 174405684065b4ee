/** A cloud service the sayings joke about. */
export interface AwsService {
  /** Stable kebab-case id, e.g. `s3`, `lambda`, `dynamodb`. */
  readonly id: string;
  /** The name people know, e.g. `Amazon S3`. */
  readonly name: string;
  /** A few words on what it does, used in prompts: `object storage`. */
  readonly topic: string;
}
