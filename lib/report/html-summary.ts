/**
 * The server-rendered top of the HTML report: status counts, the status chart (inline SVG),
 * run facts (registries, settings, Docker Hub headroom, requests) and the reason codes with
 * their FAQ. Every value from the report goes through {@link escapeHtml}.
 */
import type { CodeCount, JsonReportHead } from '../core/report.js';
import type { Status } from '../core/types.js';
import { faqFor } from '../core/faq.js';
import { escapeHtml as h } from './html-escape.js';
import { STATUS_ORDER } from './html-data.js';

const COUNT_FIELD: Readonly<Record<Status, 'passed' | 'failed' | 'errors' | 'skipped' | 'invalid'>> = {
  PASS: 'passed', FAILED: 'failed', ERROR: 'errors', SKIPPED: 'skipped', INVALID: 'invalid',
};

/** Count of `status` in the report's summary. */
export function statusCount(report: JsonReportHead, status: Status): number {
  return report.summary[COUNT_FIELD[status]];
}

/** The status cards. */
export function statusCards(report: JsonReportHead): string {
  const cards = STATUS_ORDER.map((s) =>
    `<div class="card st-${s}"><div class="n">${h(statusCount(report, s))}</div><div class="l">${s}</div></div>`);
  return `<div class="cards"><div class="card"><div class="n">${h(report.summary.total)}</div><div class="l">TOTAL</div></div>${cards.join('')}</div>`;
}

/** Horizontal bars, one per status, proportional to the count. */
export function statusChart(report: JsonReportHead): string {
  const max = Math.max(1, ...STATUS_ORDER.map((s) => statusCount(report, s)));
  const rowH = 26;
  const bars = STATUS_ORDER.map((s, i) => {
    const n = statusCount(report, s);
    const w = n === 0 ? 0 : Math.max(2, Math.round((n / max) * 260));
    const pct = report.summary.total > 0 ? ((n / report.summary.total) * 100).toFixed(1) : '0.0';
    const y = i * rowH;
    return `<text x="0" y="${y + 17}" class="lbl">${s}</text>`
      + `<rect x="80" y="${y + 4}" width="${h(w)}" height="18" rx="3" class="bar st-${s}"><title>${s}: ${h(n)}</title></rect>`
      + `<text x="${h(86 + w)}" y="${y + 17}" class="val">${h(n)} (${h(pct)}%)</text>`;
  });
  const height = STATUS_ORDER.length * rowH;
  return `<svg id="mv-chart" role="img" aria-label="lines by status" viewBox="0 0 440 ${height}" width="440" height="${height}">${bars.join('')}</svg>`;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

/** Run facts as a definition list. */
export function runFacts(report: JsonReportHead): string {
  const st = (typeof report.settings === 'object' && report.settings !== null ? report.settings : {}) as Record<string, unknown>;
  const facts: [string, string | undefined][] = [
    ['Run', report.runId],
    ['Started', report.startedAt],
    ['Finished', report.finishedAt],
    ['Duration', formatDuration(report.summary.durationMs)],
    ['Source registry', str(st.sourceRegistry) ?? 'as written in each line'],
    ['Destination registry', str(st.destRegistry) ?? 'as written in each line'],
    ['Default project', str(st.defaultProject)],
    ['Architectures', str(st.arch)],
    ['Operating systems', str(st.os)],
    ['Deep (blobs)', str(st.deep)],
    ['Attestations', str(st.attestations)],
    ['Signatures', str(st.signatures)],
    ['TLS verify', str(st.tlsVerify)],
    ['Docker Hub quota left', report.rateLimitRemaining !== undefined ? `${report.rateLimitRemaining} pulls (last ratelimit-remaining seen)` : 'not seen'],
    ['Requests', report.requests ? Object.entries(report.requests).map(([k, v]) => `${k} ${v}`).join(', ') : undefined],
  ];
  const rows = facts.filter((f): f is [string, string] => f[1] !== undefined)
    .map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`);
  return `<dl class="facts">${rows.join('')}</dl>`;
}

/** Reason codes that occur, most frequent first, with their FAQ cause and fix. */
export function codeTable(codes: Readonly<Record<string, CodeCount>>): string {
  const counts = new Map(Object.entries(codes));
  if (counts.size === 0) return '<p class="muted">No reason codes: every line passed.</p>';
  const rows = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1)).map(([code, c]) => {
    const faq = faqFor(code);
    return `<tr><td><button type="button" class="codebtn" data-code="${h(code)}">${h(code)}</button></td>`
      + `<td><span class="badge st-${h(c.status)}">${h(c.status)}</span></td><td class="num">${h(c.n)}</td>`
      + `<td>${h(faq?.cause ?? '')}</td><td>${h(faq?.fix ?? '')}</td></tr>`;
  });
  return `<table class="codes"><thead><tr><th>Code</th><th>Status</th><th>Lines</th><th>Cause</th><th>Fix</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** `1 h 02 min`, `3 min 04 s`, `12.3 s`. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
