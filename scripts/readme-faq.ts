/** `npm run docs:faq`: rewrites README.md's reason-code table from lib/core/faq.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { faqMarkdownTable } from '../lib/core/faq.js';
import { replaceFaqBlock } from './faq-block.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, replaceFaqBlock(readFileSync(path, 'utf8'), faqMarkdownTable()));
