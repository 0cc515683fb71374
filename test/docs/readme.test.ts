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

  it('documents every flag of submit, status and fetch, with the commands that take it', async () => {
    const { buildProgram } = await import('../../lib/cli/options.js');
    const { fetchProgram, statusProgram, submitProgram } = await import('../../lib/cli/remote-options.js');
    const table = remoteFlagTable();
    const local = new Set(buildProgram().options.map((o) => o.long));
    const programs = { submit: submitProgram(), status: statusProgram(), fetch: fetchProgram() };
    let checked = 0;
    for (const [name, program] of Object.entries(programs)) {
      for (const opt of program.options) {
        if (opt.hidden || (name === 'submit' && local.has(opt.long) && opt.long !== '--debug')) continue;
        const row = table.find((r) => r.flags.includes(opt.long!));
        expect(row, `README's cloud flag table lacks ${opt.long}`).toBeDefined();
        expect(row!.commands, `README says ${opt.long} is not a flag of ${name}`).toContain(name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    for (const row of table) {
      for (const name of row.commands) {
        const program = programs[name as keyof typeof programs];
        expect(program?.options.some((o) => row.flags.includes(o.long!)), `README lists ${row.flags} for ${name}, which has no such flag`).toBe(true);
      }
    }
  });
});

/** Rows of the README table of cloud subcommand flags: `| flag | commands | default | meaning |`. */
function remoteFlagTable(): { flags: string[]; commands: string[] }[] {
  const start = readme.indexOf('| flag | commands | default | meaning |');
  expect(start, 'README has no cloud flag table').toBeGreaterThan(0);
  const rows = readme.slice(start).split('\n').slice(2);
  return rows.slice(0, rows.findIndex((l) => !l.startsWith('|'))).map((line) => {
    const [flagCell, commandCell] = line.split('|').slice(1, 3).map((c) => c.trim());
    return { flags: [...flagCell!.matchAll(/--[a-z-]+/g)].map((m) => m[0]), commands: commandCell!.split(/,\s*/) };
  });
}
