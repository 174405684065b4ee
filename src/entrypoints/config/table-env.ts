import type { TableLogicalName } from '../../adapters/aws/dynamodb/table-design';

/** The environment variable carrying each table's physical name: the stack sets them, the aws profile reads them. */
export const TABLE_ENV: Readonly<Record<TableLogicalName, string>> = {
  sayings: 'SAYINGS_TABLE',
  feedback: 'FEEDBACK_TABLE',
  usage: 'USAGE_TABLE',
  apiKeys: 'API_KEYS_TABLE',
  sessions: 'SESSIONS_TABLE',
  jobs: 'JOBS_TABLE',
};
