import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InfraError } from '../../lib/infra/errors.js';
import { findRepoRoot, handlerEntry } from '../../lib/infra/paths.js';

describe('findRepoRoot / handlerEntry', () => {
  it('finds the directory with package.json from a nested path', () => {
    const root = findRepoRoot(path.join(import.meta.dirname, 'deeper', 'still'));
    expect(existsSync(path.join(root, 'package.json'))).toBe(true);
    expect(existsSync(path.join(root, 'lambdas'))).toBe(true);
  });

  it.each(['splitter', 'validator', 'aggregator', 'sweeper'] as const)('points at an existing lambdas/%s.ts', (name) => {
    const entry = handlerEntry(name);
    expect(entry.endsWith(path.join('lambdas', `${name}.ts`))).toBe(true);
    expect(existsSync(entry)).toBe(true);
  });

  it('fails with REPO_ROOT_NOT_FOUND above the file system root', () => {
    expect(() => findRepoRoot(path.parse(process.cwd()).root)).toThrow(InfraError);
  });
});
