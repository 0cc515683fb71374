/**
 * The HTML report's client script (inlined). It reads the embedded JSON, filters by status,
 * code and text, and renders only the visible rows of the table (fixed row height, a small
 * pool of row elements reused while scrolling). Every data string reaches the page through
 * `textContent`; nothing is ever assigned to `innerHTML`.
 */
import { ROW_HEIGHT } from './html-style.js';
import { STATUS_ORDER } from './html-data.js';

export const HTML_SCRIPT = String.raw`
(function () {
  'use strict';
  var ROW = ${ROW_HEIGHT}, OVERSCAN = 8, PAGE = 20;
  var STATUSES = ${JSON.stringify(STATUS_ORDER)};
  var data = JSON.parse(document.getElementById('mv-data').textContent);
  var rows = data.rows, faq = data.faq;
  var $ = function (id) { return document.getElementById(id); };
  var viewport = $('mv-viewport'), spacer = $('mv-spacer'), win = $('mv-window');
  var view = new Uint32Array(rows.length), count = 0, pool = [], selected = -1, hay = null;
  var state = { statuses: {}, code: '', query: '' };
  STATUSES.forEach(function (s) { state.statuses[s] = true; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function statusOf(r) { return STATUSES[r[1]] || 'ERROR'; }

  function haystack() {
    if (!hay) {
      hay = new Array(rows.length);
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        hay[i] = (r[0] + ' ' + r[3] + ' ' + r[4] + ' ' + (r[2] || '') + ' ' + (r[5] || '') + ' ' + (r[6] || '')).toLowerCase();
      }
    }
    return hay;
  }

  function applyFilters() {
    var q = state.query.trim().toLowerCase(), hs = q ? haystack() : null;
    count = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (!state.statuses[statusOf(r)]) continue;
      if (state.code && r[2] !== state.code) continue;
      if (hs && hs[i].indexOf(q) < 0) continue;
      view[count++] = i;
    }
    spacer.style.height = (count * ROW) + 'px';
    viewport.scrollTop = 0;
    $('mv-count').textContent = data.rowsOf === 'not-pass'
      ? 'Showing ' + count + ' of ' + rows.length + ' lines that did not pass (' + data.total + ' lines in the run)'
      : 'Showing ' + count + ' of ' + rows.length + ' lines';
    $('mv-empty').hidden = count > 0;
    render();
  }

  function makeRow() {
    var e = el('div', 'row');
    e.setAttribute('role', 'row');
    e.tabIndex = 0;
    ['c-line', 'c-status', 'c-code', 'c-input', 'c-msg'].forEach(function (c) { e.appendChild(el('span', c)); });
    return e;
  }

  function render() {
    var h = viewport.clientHeight || window.innerHeight;
    var first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN);
    var last = Math.min(count, Math.ceil((viewport.scrollTop + h) / ROW) + OVERSCAN);
    win.style.transform = 'translateY(' + (first * ROW) + 'px)';
    while (pool.length < last - first) { var nr = makeRow(); pool.push(nr); win.appendChild(nr); }
    for (var k = 0; k < pool.length; k++) {
      var e = pool[k];
      if (first + k >= last) { e.hidden = true; continue; }
      var idx = view[first + k], r = rows[idx], s = statusOf(r), c = e.children;
      e.hidden = false;
      e.dataset.idx = String(idx);
      e.className = idx === selected ? 'row sel' : 'row';
      c[0].textContent = String(r[0]);
      c[1].textContent = s; c[1].className = 'c-status st-' + s;
      c[2].textContent = r[2] || '';
      c[3].textContent = r[3]; c[3].title = r[3];
      c[4].textContent = r[4]; c[4].title = r[4];
    }
  }

  var ticking = false;
  viewport.addEventListener('scroll', function () {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(function () { ticking = false; render(); });
  });
  window.addEventListener('resize', render);

  // e.k: the platform in normal form, computed by the report builder (core/platform.ts), so that
  // arm64 and arm64/v8 pair up; a report without it falls back to the fields as written.
  function platformKey(e) {
    if (typeof e.k === 'string') return e.k;
    var p = e.platform || {};
    return [p.os, p.architecture, p.variant || '', p['os.version'] || ''].join('/');
  }
  function platformText(p) {
    p = p || {};
    var t = (p.os || '?') + '/' + (p.architecture || '?') + (p.variant ? '/' + p.variant : '');
    return p['os.version'] ? t + ' (' + p['os.version'] + ')' : t;
  }

  // Pairs source and destination entries: same platform first, then leftovers in order.
  function pairSpecs(src, dst) {
    var pairs = [], used = new Array(dst.length), leftS = [];
    src.forEach(function (s) {
      var k = platformKey(s);
      for (var j = 0; j < dst.length; j++) {
        if (!used[j] && platformKey(dst[j]) === k) { used[j] = true; pairs.push([s, dst[j]]); return; }
      }
      leftS.push(s);
    });
    var leftD = dst.filter(function (_d, j) { return !used[j]; });
    var n = Math.max(leftS.length, leftD.length);
    for (var i = 0; i < n; i++) pairs.push([leftS[i] || null, leftD[i] || null]);
    return pairs;
  }

  function specTable(src, dst) {
    var t = el('table', 'spec'), head = el('thead'), tr1 = el('tr'), tr2 = el('tr');
    var a = el('th', 'side', 'Source'), b = el('th', 'side', 'Destination');
    a.colSpan = 3; b.colSpan = 3; tr1.appendChild(a); tr1.appendChild(b);
    ['Platform', 'Digest', 'Media type', 'Platform', 'Digest', 'Media type'].forEach(function (x) { tr2.appendChild(el('th', '', x)); });
    head.appendChild(tr1); head.appendChild(tr2); t.appendChild(head);
    var body = el('tbody');
    pairSpecs(src || [], dst || []).forEach(function (p) {
      var s = p[0], d = p[1], tr = el('tr');
      var pd = !s || !d || platformKey(s) !== platformKey(d);
      var dd = !s || !d || s.digest !== d.digest;
      var md = !s || !d || (s.mediaType || '') !== (d.mediaType || '');
      [s, d].forEach(function (e) {
        if (!e) { var m = el('td', 'miss', 'missing'); m.colSpan = 3; tr.appendChild(m); return; }
        tr.appendChild(el('td', pd ? 'diff' : '', platformText(e.platform)));
        tr.appendChild(el('td', dd ? 'diff' : '', e.digest));
        tr.appendChild(el('td', md ? 'diff' : '', e.mediaType || ''));
      });
      body.appendChild(tr);
    });
    t.appendChild(body);
    return t;
  }

  // The rule of README "What is checked" that decided a line.
  var RULES = {
    index: 'index: entries matched by digest and platform',
    artifact: 'artifact: same digest (no platform)',
    single: 'single image: same digest or a one-entry list',
  };

  function card(idx) {
    var r = rows[idx], s = statusOf(r), box = el('section', 'detail');
    box.dataset.line = String(r[0]);
    var h = el('h3');
    h.appendChild(el('span', '', 'line ' + r[0] + ' '));
    h.appendChild(el('span', 'badge st-' + s, s));
    if (r[2]) h.appendChild(el('code', '', ' ' + r[2]));
    box.appendChild(h);
    var kv = el('dl', 'kv');
    [['input', r[3]], ['message', r[4]], ['source', r[5]], ['destination', r[6]], ['rule', r[10] ? RULES[r[10]] || r[10] : null],
      ['duration', r[9] === null ? null : (r[9] / 1000).toFixed(2) + ' s']].forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') return;
      kv.appendChild(el('dt', '', p[0])); kv.appendChild(el('dd', p[0] === 'input' ? 'mono' : '', p[1]));
    });
    box.appendChild(kv);
    if (r[7] || r[8]) box.appendChild(specTable(r[7], r[8]));
    var f = r[2] && faq[r[2]];
    if (f) {
      var fq = el('div', 'faq'), c1 = el('div'), c2 = el('div');
      c1.appendChild(el('b', '', 'Cause')); c1.appendChild(document.createTextNode(' ' + f.cause));
      c2.appendChild(el('b', '', 'Fix')); c2.appendChild(document.createTextNode(' ' + f.fix));
      fq.appendChild(c1); fq.appendChild(c2); box.appendChild(fq);
    }
    return box;
  }

  function select(idx) {
    selected = idx;
    var d = $('mv-detail');
    d.textContent = '';
    d.appendChild(card(idx));
    render();
  }
  win.addEventListener('click', function (ev) {
    var r = ev.target.closest ? ev.target.closest('.row') : null;
    if (r && r.dataset.idx) select(Number(r.dataset.idx));
  });
  win.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && ev.target.dataset && ev.target.dataset.idx) select(Number(ev.target.dataset.idx));
  });

  var failedIdx = [], shown = 0;
  for (var i = 0; i < rows.length; i++) if (statusOf(rows[i]) === 'FAILED') failedIdx.push(i);
  function moreFailures() {
    var list = $('mv-failures'), end = Math.min(failedIdx.length, shown + PAGE);
    for (; shown < end; shown++) list.appendChild(card(failedIdx[shown]));
    $('mv-more').hidden = shown >= failedIdx.length;
  }
  $('mv-more').addEventListener('click', moreFailures);
  $('mv-failed-count').textContent = String(failedIdx.length);

  var codes = {};
  rows.forEach(function (r) { if (r[2]) codes[r[2]] = (codes[r[2]] || 0) + 1; });
  var sel = $('mv-code');
  Object.keys(codes).sort().forEach(function (c) {
    var o = el('option', '', c + ' (' + codes[c] + ')'); o.value = c; sel.appendChild(o);
  });
  sel.addEventListener('change', function () { state.code = sel.value; applyFilters(); });
  Array.prototype.forEach.call(document.querySelectorAll('input[name=mv-status]'), function (cb) {
    cb.addEventListener('change', function () { state.statuses[cb.value] = cb.checked; applyFilters(); });
  });
  var timer = 0;
  $('mv-search').addEventListener('input', function (ev) {
    clearTimeout(timer);
    timer = setTimeout(function () { state.query = ev.target.value; applyFilters(); }, 120);
  });
  Array.prototype.forEach.call(document.querySelectorAll('.codebtn'), function (b) {
    b.addEventListener('click', function () {
      sel.value = b.dataset.code; state.code = sel.value;
      applyFilters(); $('mv-lines').scrollIntoView();
    });
  });

  moreFailures();
  applyFilters();
  document.body.dataset.ready = 'true';
})();
`;
