/** The HTML report's stylesheet (inlined into the page). Row height must match the script's ROW. */
export const ROW_HEIGHT = 28;

export const HTML_STYLE = `
:root{--PASS:#1a7f37;--FAILED:#cf222e;--ERROR:#bc4c00;--SKIPPED:#6e7781;--INVALID:#8250df;--bd:#d0d7de;--bg2:#f6f8fa;--diff:#ffebe9;--diffbd:#cf222e}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:16px 24px;border-bottom:1px solid var(--bd);background:var(--bg2)}
header h1{margin:0;font-size:20px}
#mv-changes{margin-bottom:24px;padding-bottom:8px;border-bottom:1px solid var(--bd)}
.notice{margin:8px 0 0;padding:6px 10px;border:1px solid #d4a72c;border-radius:6px;background:#fff8c5}
main{padding:16px 24px;max-width:1500px}
h2{font-size:16px;margin:24px 0 8px}
.muted{color:#656d76}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.cards{display:flex;gap:10px;flex-wrap:wrap}
.card{border:1px solid var(--bd);border-radius:6px;padding:8px 14px;min-width:92px;border-top:4px solid #57606a}
.card .n{font-size:22px;font-weight:600}.card .l{font-size:12px;color:#656d76}
.card.st-PASS{border-top-color:var(--PASS)}.card.st-FAILED{border-top-color:var(--FAILED)}.card.st-ERROR{border-top-color:var(--ERROR)}
.card.st-SKIPPED{border-top-color:var(--SKIPPED)}.card.st-INVALID{border-top-color:var(--INVALID)}
.overview{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start;margin-top:16px}
svg .lbl,svg .val{font-size:12px;fill:#1f2328}
svg .bar.st-PASS{fill:var(--PASS)}svg .bar.st-FAILED{fill:var(--FAILED)}svg .bar.st-ERROR{fill:var(--ERROR)}
svg .bar.st-SKIPPED{fill:var(--SKIPPED)}svg .bar.st-INVALID{fill:var(--INVALID)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}
.facts dt{color:#656d76}.facts dd{margin:0;word-break:break-all}
table.codes,table.spec{border-collapse:collapse;width:100%}
table.codes th,table.codes td,table.spec th,table.spec td{border:1px solid var(--bd);padding:4px 8px;text-align:left;vertical-align:top}
table.codes th,table.spec th{background:var(--bg2)}
.num{text-align:right}
.badge{display:inline-block;padding:0 6px;border-radius:10px;color:#fff;font-size:11px;font-weight:600;line-height:18px}
.badge.st-PASS{background:var(--PASS)}.badge.st-FAILED{background:var(--FAILED)}.badge.st-ERROR{background:var(--ERROR)}
.badge.st-SKIPPED{background:var(--SKIPPED)}.badge.st-INVALID{background:var(--INVALID)}
.codebtn{font:inherit;font-family:ui-monospace,monospace;font-size:12px;background:none;border:0;color:#0969da;cursor:pointer;padding:0;text-decoration:underline}
.filters{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin:8px 0;padding:8px;border:1px solid var(--bd);border-radius:6px;background:var(--bg2)}
.filters label{white-space:nowrap}
#mv-search{width:280px;padding:4px 8px}
.grid{border:1px solid var(--bd);border-radius:6px;overflow:hidden}
.row{display:grid;grid-template-columns:70px 90px 190px minmax(200px,2fr) minmax(200px,3fr);height:${ROW_HEIGHT}px;align-items:center;border-bottom:1px solid #eaeef2;cursor:pointer}
.row>span{overflow:hidden;white-space:nowrap;text-overflow:ellipsis;padding:0 8px}
.row.head{background:var(--bg2);font-weight:600;cursor:default;border-bottom:1px solid var(--bd)}
.row:not(.head):hover{background:#f3f8ff}.row.sel{background:#ddf4ff}
.c-input{font-family:ui-monospace,monospace;font-size:12px}
.c-status{font-weight:600;font-size:12px}
.c-status.st-PASS{color:var(--PASS)}.c-status.st-FAILED{color:var(--FAILED)}.c-status.st-ERROR{color:var(--ERROR)}
.c-status.st-SKIPPED{color:var(--SKIPPED)}.c-status.st-INVALID{color:var(--INVALID)}
#mv-viewport{max-height:70vh;overflow-y:auto;position:relative}
#mv-spacer{position:relative}
#mv-window{position:absolute;left:0;right:0;top:0}
#mv-empty{padding:16px}
.detail{border:1px solid var(--bd);border-radius:6px;padding:10px 14px;margin:10px 0}
.detail h3{margin:0 0 6px;font-size:15px}
.detail .kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}
.detail .kv dt{color:#656d76}.detail .kv dd{margin:0;word-break:break-all}
table.spec td{word-break:break-all;font-family:ui-monospace,monospace;font-size:12px}
table.spec td:nth-child(3n+1){white-space:nowrap;word-break:normal}
table.spec th.side{text-align:center}
table.spec td.diff{background:var(--diff);outline:2px solid var(--diffbd);outline-offset:-2px;font-weight:600}
table.spec td.miss{color:#656d76;font-style:italic;background:var(--diff)}
.faq{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:6px 10px;margin-top:8px}
.faq b{display:inline-block;min-width:48px}
button.more{margin:8px 0;padding:4px 12px}
`;
