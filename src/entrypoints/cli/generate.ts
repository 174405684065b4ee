import type { JobSummary } from '../../domain/jobs/summary';
import { integer, listOf, parse, runCli, thousands, UsageError, usd } from './cli-support';
import { progressView } from './progress';

const USAGE = `Usage: npm run generate -- --count <n> [--models a,b] [--services s3,lambda] [--url <server>]
       npm run generate -- --enrich --services s3,lambda,dynamodb [--models a,b] [--url <server>]

Submits a batch job to a running Cloud Sayings server (POST /jobs), shows its progress until it is done,
then a summary. Exit code 0 when every item succeeded, 1 when some failed or the server could not be
reached, 2 for bad arguments (also those the server refuses, such as an unknown model).

  --count <n>        sayings to generate (1–1000)
  --enrich           one saying for each of --services instead
  --models <keys>    catalog keys, used in turn (default: the four sayings models)
  --services <ids>   service ids (default for --count: spread over all services)
  --url <url>        the server (default: $CLOUD_SAYINGS_URL or http://127.0.0.1:3000)
  --interval <ms>    how often to ask for progress (default 250)`;

const TERMINAL = new Set(['succeeded', 'failed', 'partially_failed']);
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

async function main(): Promise<number> {
  const { values } = parse(process.argv.slice(2), {
    count: { type: 'string' },
    enrich: { type: 'boolean' },
    models: { type: 'string', multiple: true },
    services: { type: 'string', multiple: true },
    url: { type: 'string' },
    interval: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const count = integer(values.count, 'count', 1, 1_000);
  const services = listOf(values.services);
  const models = listOf(values.models);
  if (values.enrich && (services === undefined || services.length === 0)) throw new UsageError('--enrich needs --services');
  if (!values.enrich && count === undefined) throw new UsageError('--count is required (or --enrich with --services)');
  if (values.enrich && count !== undefined) throw new UsageError('--enrich writes one saying per service: leave out --count');
  const interval = integer(values.interval, 'interval', 10, 60_000) ?? 250;
  const base = baseUrl(values.url ?? process.env.CLOUD_SAYINGS_URL ?? 'http://127.0.0.1:3000');

  const body = values.enrich ? { type: 'enrich', services, ...(models ? { models } : {}) } : { type: 'generate', count, ...(models ? { models } : {}), ...(services ? { services } : {}) };
  const submitted = await call(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (submitted.status >= 400 && submitted.status < 500) throw new UsageError(errorText(submitted.body));
  if (submitted.status !== 202) throw new Error(`the server answered ${submitted.status}: ${errorText(submitted.body)}`);
  const jobId = (submitted.body as { jobId: string }).jobId;
  process.stdout.write(`job ${jobId} submitted\n`);

  const started = Date.now();
  const view = progressView(process.stdout);
  let job: JobSummary;
  for (;;) {
    const res = await call(`${base}/jobs/${jobId}`, { method: 'GET' });
    if (res.status !== 200) throw new Error(`reading job ${jobId}: ${res.status} ${errorText(res.body)}`);
    job = res.body as JobSummary;
    view.update(job.progress.done, job.progress.total, job.status);
    if (TERMINAL.has(job.status)) break;
    await sleep(interval);
  }
  view.stop();
  process.stdout.write(summary(job, Date.now() - started));
  return job.status === 'succeeded' ? 0 : 1;
}

export function summary(job: JobSummary, elapsedMs: number): string {
  const r = job.results;
  const lines = [
    `job ${job.jobId} ${job.status} in ${(elapsedMs / 1000).toFixed(1)} s`,
    `sayings added: ${r.added}`,
    `duplicates dropped: ${r.duplicatesDropped}`,
    `tokens: ${thousands(r.tokens)} (input ${thousands(r.inputTokens)}, output ${thousands(r.outputTokens)})${r.estimated ? ' (some estimated)' : ''}`,
    `cost: ${usd(r.costNano)} (${r.costNano} nano-USD)${r.offline ? ' (offline simulation)' : ''}`,
    `failed: ${job.progress.failed} of ${job.progress.total}`,
    ...job.errors.slice(0, 5).map((e) => `  item ${e.item}: ${e.code} (attempt ${e.attempt}${e.final ? ', given up' : ''}): ${e.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

function baseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return url.toString().replace(/\/+$/, '');
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${raw}"`);
  }
}

async function call(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new Error(`cannot reach ${new URL(url).origin} (${error instanceof Error ? error.message : String(error)}); is the server running (npm start)?`);
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: res.status, body: text.slice(0, 200) };
  }
}

function errorText(body: unknown): string {
  const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return e ? `${e.message ?? ''} (${e.code ?? 'error'})` : String(body);
}

if (require.main === module) runCli(USAGE, main);
