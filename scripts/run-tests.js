#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (through tsx), so CI reads its summary.
// Node 20's --test does not expand globs or pick up .ts files by itself, hence this small finder.
'use strict';
const { readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return findTests(full);
    return name.endsWith('.test.ts') ? [relative(root, full)] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('no test files match', filters.join(' '));
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GATEHOUSE_ALLOWED_PRIVATE_ORIGINS: 'http://127.0.0.1:*,http://localhost:*' },
});
process.exit(result.status ?? 1);
