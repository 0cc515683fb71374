/**
 * The HTML report's first section when the run was compared with the previous run of its list:
 * "Changes since …", with the counts and the newly failing and recovered lines (the first
 * `FIRST_CHANGES` of each; report.json has them all). Server-rendered, every value escaped.
 */
import type { ChangeEntry } from '../core/changes.js';
import { escapeHtml as h } from './html-escape.js';
import type { ChangesView } from './formatter.js';

function table(entries: readonly ChangeEntry[], total: number, what: string): string {
  if (total === 0) return `<p class="muted">No ${what}.</p>`;
  const rows = entries.map((e) => `<tr><td class="num">${h(e.line)}</td><td><span class="badge st-${h(e.status)}">${h(e.status)}</span></td>`
    + `<td>${h(e.code ?? '')}</td><td>${e.previousStatus ? `<span class="badge st-${h(e.previousStatus)}">${h(e.previousStatus)}</span>` : 'absent'}</td>`
    + `<td class="mono">${h(e.input)}</td><td>${h(e.message)}</td></tr>`);
  const more = total > entries.length ? `<p class="muted">…and ${h(total - entries.length)} more ${what}: report.json lists every one.</p>` : '';
  return `<table class="codes changes"><thead><tr><th>Line</th><th>Now</th><th>Code</th><th>Before</th><th>Input</th><th>Message</th></tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table>${more}`;
}

/** The "Changes since …" section of `changes`. */
export function changesSection(changes: ChangesView): string {
  const c = changes.counts;
  const title = c.previous
    ? `Changes since ${h(c.previous.finishedAt)} <span class="muted">(run ${h(c.previous.runId)})</span>`
    : 'Changes <span class="muted">(no previous run to compare with: every line that needs attention is new)</span>';
  const facts = [['Newly failing', c.newlyFailing], ['Recovered', c.recovered], ['Still failing', c.stillFailing], ['Added', c.added], ['Removed', c.removed]]
    .map(([k, v]) => `<div class="card"><div class="n">${h(v!)}</div><div class="l">${h(k!)}</div></div>`);
  return `<section id="mv-changes">
<h2>${title}</h2>
<div class="cards">${facts.join('')}</div>
<h3>Newly failing</h3>
${table(changes.first.newlyFailing, c.newlyFailing, 'newly failing lines')}
<h3>Recovered</h3>
${table(changes.first.recovered, c.recovered, 'recovered lines')}
</section>`;
}
