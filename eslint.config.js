import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', TextDecoder: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    // The core gets the outside world passed in (Deps); only these files may touch it directly.
    files: ['src/**/*.ts'],
    ignores: ['src/deps.ts', 'src/main.ts', 'src/bin.ts', 'src/start.ts', 'src/code-cache.ts', 'src/http.ts', 'src/terminal.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'use deps (src/deps.ts)' }, { name: 'console', message: 'write to deps.stdout/stderr' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:fs', message: 'use deps.fs' },
            { name: 'node:fs/promises', message: 'use deps.fs' },
            // The network, servers and child processes go through Deps (deps.http, deps.listen,
            // deps.runProcess, deps.execChild): only deps.ts and http.ts load these.
            { name: 'node:http', message: 'use deps.http or deps.listen (src/http.ts owns node:http)' },
            { name: 'node:https', message: 'use deps.http (src/http.ts owns node:https)' },
            { name: 'node:tls', message: 'use deps.http (src/http.ts owns TLS)' },
            { name: 'node:child_process', message: 'use deps.runProcess or deps.execChild' },
            // Address syntax checks are pure functions; sockets and servers are not.
            { name: 'node:net', allowImportNames: ['isIP', 'isIPv4', 'isIPv6'], message: 'use deps.http or deps.listen; only isIP/isIPv4/isIPv6 may be imported' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'use deps.now()' }],
    },
  },
  {
    // Layers: the CLI sits on top; nothing below it imports it, and src/ never imports tests.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/main.ts', 'src/start.ts', 'src/bin.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/cli/*', '**/cli/**', '**/main.js'], message: 'the CLI layer (src/cli, src/main.ts) is on top: move what both need below it' }, { group: ['**/test/**'], message: 'src/ never imports from test/' }] },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/test/**'], message: 'src/ never imports from test/' }] }],
    },
  },
);
