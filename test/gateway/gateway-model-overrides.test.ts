import { startGateway, type Gateway } from '../support/gateway/gateway-harness';

/*
 * A vendor retires a model id (Anthropic's claude-sonnet-4-5 reached its end of life on 2026-11-30): MODEL_OVERRIDES
 * moves the catalog key to the successor without a release. The key keeps working, the upstream sees the new id,
 * the old id is a model nobody serves any more, and the price the usage is charged at is the configured one.
 */
describe('MODEL_OVERRIDES on the running server', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({
      env: { MODEL_OVERRIDES: JSON.stringify([{ key: 'sonnet', vendorModelId: 'claude-sonnet-4-6', displayName: 'Claude Sonnet 4.6', inputPrice: 3_000, outputPrice: 15_000 }]) },
    });
  });
  afterAll(() => gw.close());

  it('routes the catalog key to the new vendor id, lists it, and charges the configured prices', async () => {
    const { key, keyId } = gw.keys.issue();
    const client = gw.client(key);
    const answer = await client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'One saying about Amazon S3.' }], max_tokens: 50 });
    expect(answer.model).toBe('claude-sonnet-4-6');
    const upstream = gw.anthropic.requests.at(-1)?.body as { model?: string };
    expect(upstream.model).toBe('claude-sonnet-4-6');
    // The new id names the model too; the retired one names nothing.
    await expect(client.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 10 })).resolves.toBeDefined();
    await expect(client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 10 })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    const models = (await client.models.list()).data.map((m) => m.id);
    expect(models).toContain('sonnet');
    // One call on a key of its own: its spend is that call at the configured prices (Sonnet 4.5's were 15,000 both ways).
    const priced = gw.keys.issue();
    const one = await gw.client(priced.key).chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'One saying about AWS Lambda.' }], max_tokens: 50 });
    await gw.settled();
    expect(gw.keys.spentNano(keyId)).toBeGreaterThan(0);
    expect(gw.keys.spentNano(priced.keyId)).toBe(one.usage!.prompt_tokens * 3_000 + one.usage!.completion_tokens * 15_000);
  });
});
