import tseslint from 'typescript-eslint';

const impure = [
  { object: 'Date', property: 'now', message: 'The domain takes time as an argument.' },
  { object: 'Math', property: 'random', message: 'The domain takes randomness as an argument.' },
  { object: 'performance', property: 'now', message: 'The domain takes time as an argument.' },
  { object: 'crypto', property: 'randomUUID', message: 'The domain takes ids as arguments.' },
  { object: 'crypto', property: 'getRandomValues', message: 'The domain takes randomness as an argument.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'cdk.out/**'] },
  {
    files: ['src/**/*.ts', 'test/layering/fixture/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/src/domain/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', ...impure],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The domain reads no environment: configuration comes in as values.' },
        { name: 'setTimeout', message: 'The domain does no I/O or scheduling.' },
        { name: 'setInterval', message: 'The domain does no I/O or scheduling.' },
        { name: 'fetch', message: 'The domain does no I/O.' },
        { name: 'performance', message: 'The domain takes time as an argument.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The domain takes time as an argument.' },
        { selector: "CallExpression[callee.name='Date']", message: 'The domain takes time as an argument.' },
        { selector: "ImportExpression", message: 'The domain loads nothing at run time.' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!node:crypto$|\\.{1,2}/).*', message: 'The domain imports only the domain and node:crypto.' }] },
      ],
    },
  },
);
