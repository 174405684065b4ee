import type { Container } from 'inversify';
import { OfflineLlmProvider } from '../../src/adapters/offline/offline-llm-provider';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { JobSummary } from '../../src/domain/jobs/summary';
import { LlmProviderError, type LlmProvider, type LlmRequest, type LlmResult, type ModelProviders } from '../../src/ports/llm-provider';
import type TestAgent from 'supertest/lib/agent';

/** A provider that fails with `kind` while `broken`, else answers as the offline simulation; counts calls. */
export class SwitchableProvider implements LlmProvider {
  readonly name = 'switchable';
  readonly offline = true;
  broken = false;
  kind: LlmProviderError['kind'] = 'unavailable';
  calls = 0;
  private readonly inner = new OfflineLlmProvider({ seed: 7, minLatencyMs: 0, maxLatencyMs: 2 });

  generate(request: LlmRequest): Promise<LlmResult> {
    this.calls++;
    if (this.broken) return Promise.reject(new LlmProviderError(this.kind, 'the model is down (scripted)', { provider: this.name, status: 503 }));
    return this.inner.generate(request);
  }

  stream(request: LlmRequest) {
    return this.inner.stream(request);
  }
}

/** Serves `modelKey` with `provider`, every other model as configured. */
export function withProvider(modelKey: string, provider: LlmProvider): (c: Container) => void {
  return (c) => {
    const current = c.get<ModelProviders>(TOKENS.ModelProviders);
    c.rebind(TOKENS.ModelProviders).toConstantValue(new Map([...current, [modelKey, provider]]));
  };
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls GET /jobs/{id} until `done` says so (or the jest timeout ends the test). */
export async function waitForJob(http: TestAgent, jobId: string, done: (job: JobSummary) => boolean = (j) => j.progress.done === j.progress.total): Promise<JobSummary> {
  for (;;) {
    const res = await http.get(`/jobs/${jobId}`);
    expect(res.status).toBe(200);
    const job = res.body as JobSummary;
    if (done(job)) return job;
    await sleep(20);
  }
}
