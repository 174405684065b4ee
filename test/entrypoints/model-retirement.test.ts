import { buildCatalog, type ModelOverride } from '../../src/domain/catalog/model-catalog';
import { loadLocalConfig } from '../../src/entrypoints/config/app-config';
import { buildModelProviders, buildSecretStore } from '../../src/entrypoints/container/model-providers';
import type { Clock } from '../../src/ports/clock';
import { captureLogger, startHarness, type CapturedLog, type Harness } from '../support/local-harness';

/** Sonnet's default vendor id retires on 2026-11-30 (the catalog, after the Anthropic SDK's own table). */
describe('models their vendor retires', () => {
  const at = (iso: string): Clock => ({ now: () => Date.parse(iso), monotonicMs: () => 0 });
  const warnings = (clock: Clock, configured: { openai: boolean; anthropic: boolean }, overrides: ModelOverride[] = []): CapturedLog[] => {
    const logs: CapturedLog[] = [];
    const config = loadLocalConfig({});
    buildModelProviders({
      catalog: buildCatalog(overrides), config, secrets: buildSecretStore(config, {}), configured, clock,
      random: { next: () => 0.5, uuid: () => '00000000-0000-4000-8000-000000000000' }, logger: captureLogger(logs),
    });
    return logs.filter((l) => l.level === 'warn');
  };

  it('are named once, structured, when the process starts with them live', () => {
    expect(warnings(at('2026-12-03T12:00:00Z'), { openai: true, anthropic: true })).toEqual([
      {
        level: 'warn',
        message: 'model retired by its vendor',
        fields: { alert: 'model_retirement', model: 'sonnet', vendorModelId: 'claude-sonnet-4-5', retiresOn: '2026-11-30', fix: expect.stringContaining('MODEL_OVERRIDES') },
      },
    ]);
    expect(warnings(at('2026-11-10T00:00:00Z'), { openai: false, anthropic: true })).toEqual([expect.objectContaining({ message: 'model retires soon', fields: expect.objectContaining({ model: 'sonnet' }) })]);
  });

  it('are not named when served offline, far from the date, or moved to a successor id', () => {
    expect(warnings(at('2026-12-03T12:00:00Z'), { openai: true, anthropic: false })).toEqual([]);
    expect(warnings(at('2026-09-01T00:00:00Z'), { openai: true, anthropic: true })).toEqual([]);
    expect(warnings(at('2026-12-03T12:00:00Z'), { openai: true, anthropic: true }, [{ key: 'sonnet', vendorModelId: 'claude-sonnet-4-6', displayName: 'Claude Sonnet 4.6' }])).toEqual([]);
  });

  describe('GET /health', () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('shows each model’s retirement day and whether it has come', async () => {
      h = await startHarness();
      const { models } = (await h.http.get('/health').expect(200)).body;
      expect(models).toContainEqual(expect.objectContaining({ model: 'sonnet', retiresOn: '2026-11-30', retired: Date.now() >= Date.parse('2026-11-30T00:00:00Z') }));
      expect(models).toContainEqual(expect.objectContaining({ model: 'haiku', retiresOn: null, retired: false }));
    });

    it('clears it once MODEL_OVERRIDES moves the key to a successor', async () => {
      h = await startHarness({ env: { MODEL_OVERRIDES: '[{"key":"sonnet","vendorModelId":"claude-sonnet-4-6","displayName":"Claude Sonnet 4.6"}]' } });
      const { models } = (await h.http.get('/health').expect(200)).body;
      expect(models).toContainEqual(expect.objectContaining({ model: 'sonnet', displayName: 'Claude Sonnet 4.6', retiresOn: null, retired: false }));
    });
  });
});
