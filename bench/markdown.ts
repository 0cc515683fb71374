import type { BenchResults } from './results.js';
export function renderMarkdown(r: BenchResults): string { return JSON.stringify(r); }
