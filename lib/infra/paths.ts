/**
 * Locations of the Lambda entry files. They are found from the repository root (the nearest
 * directory above this module holding `package.json`), so the same code works from `lib/`
 * under tsx/vitest and from the compiled `dist/lib/`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfraError } from './errors.js';

/** The four handlers of the pipeline; each `lambdas/<name>.ts` exports `handler`. */
export type HandlerName = 'splitter' | 'validator' | 'aggregator' | 'sweeper';

/** Nearest directory at or above `from` (a directory or file URL/path) that contains `package.json`. */
export function findRepoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new InfraError('REPO_ROOT_NOT_FOUND', `no package.json above ${from}`);
    dir = parent;
  }
}

/** Absolute path of `lambdas/<name>.ts` under `root`. */
export function handlerEntry(name: HandlerName, root: string = findRepoRoot()): string {
  return path.join(root, 'lambdas', `${name}.ts`);
}
