/**
 * Layering (ADR 0001): entrypoints → adapters → application → ports → domain. Paths are matched anywhere
 * in the tree so that the fixture in test/layering proves each rule fires.
 */
const layer = (name) => `(^|/)src/${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports only the domain and node:crypto.',
      severity: 'error',
      from: { path: layer('domain') },
      to: {
        pathNot: [layer('domain'), '^crypto$', '^node:crypto$'],
      },
    },
    {
      name: 'ports-depend-on-domain-only',
      severity: 'error',
      from: { path: layer('ports') },
      to: { pathNot: [layer('domain'), layer('ports')] },
    },
    {
      name: 'application-uses-ports-not-adapters',
      comment: 'Use cases talk to ports; no adapter, entrypoint or SDK.',
      severity: 'error',
      from: { path: layer('application') },
      to: { pathNot: [layer('application'), layer('ports'), layer('domain')] },
    },
    {
      name: 'adapters-never-reach-entrypoints',
      severity: 'error',
      from: { path: layer('adapters') },
      to: { path: layer('entrypoints') },
    },
    {
      name: 'framework-only-in-entrypoints',
      comment: 'Only the composition root and the HTTP/Lambda entrypoints know inversify, express and Lambda types.',
      severity: 'error',
      from: { pathNot: layer('entrypoints') },
      to: { path: '(^|/)node_modules/(inversify|@inversifyjs|express|cors|@types/aws-lambda|aws-lambda)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
