import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAQ, faqMarkdownTable } from '../../lib/core/faq.js';
import { faqBlock } from '../../scripts/faq-block.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md moves with the code', () => {
  it('embeds the reason-code FAQ generated from lib/core/faq.ts (run npm run docs:faq)', () => {
    expect(faqBlock(readme)).toBe(faqMarkdownTable());
  });

  it('names every reason code', () => {
    for (const code of Object.keys(FAQ)) expect(readme).toContain(`\`${code}\``);
  });

  it('documents every CLI flag', async () => {
    const { buildProgram } = await import('../../lib/cli/options.js');
    for (const opt of buildProgram().options) {
      if (opt.hidden) continue;
      expect(readme, `README lacks ${opt.long}`).toContain(opt.long!.replace(/^--no-/, '--no-'));
    }
  });
});
