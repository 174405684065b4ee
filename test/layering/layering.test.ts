import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const fixture = 'test/layering/fixture/src';
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

function run(command: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(bin(command), [...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('layering check (the test command runs it over src)', () => {
  it('reports every forbidden import in a deliberately broken tree', () => {
    const { status, output } = run('depcruise', [fixture, '--config', '.dependency-cruiser.cjs', '--output-type', 'err']);
    expect(status).not.toBe(0);
    expect(output).toContain('domain-is-pure');
    expect(output).toContain('application-uses-ports-not-adapters');
    expect(output).toContain('framework-only-in-entrypoints');
  });

  it('reports clock, randomness and environment reads in the domain', () => {
    const { status, output } = run('eslint', ['--no-warn-ignored', `${fixture}/domain/impure.ts`]);
    expect(status).not.toBe(0);
    expect(output).toContain('The domain takes time as an argument');
    expect(output).toContain('The domain takes randomness as an argument');
    expect(output).toContain('The domain reads no environment');
    expect(output).toContain('The domain imports only the domain and node:crypto');
  });
});
