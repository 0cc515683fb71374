/** The README block between the FAQ markers. */
export const FAQ_START = '<!-- faq:start (generated from lib/core/faq.ts by npm run docs:faq) -->';
export const FAQ_END = '<!-- faq:end -->';

export function faqBlock(readme: string): string | null {
  const a = readme.indexOf(FAQ_START);
  const b = readme.indexOf(FAQ_END);
  return a === -1 || b < a ? null : readme.slice(a + FAQ_START.length, b).trim();
}

export function replaceFaqBlock(readme: string, table: string): string {
  const a = readme.indexOf(FAQ_START);
  const b = readme.indexOf(FAQ_END);
  if (a === -1 || b < a) throw new Error('README.md has no FAQ markers');
  return `${readme.slice(0, a + FAQ_START.length)}\n${table}\n${readme.slice(b)}`;
}
