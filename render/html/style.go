package html

// CSS is the report's only style sheet, inlined into every page: light by default, dark where
// the reader's system asks for it, and A4 print rules that never split a chart or a table row.
const CSS = `
:root { --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --rule: #d0d7de; --zebra: #f6f8fa; --link: #0b5cad; --week: rgba(0,0,0,.08); }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --rule: #30363d; --zebra: #161b22; --link: #58a6ff; --week: rgba(255,255,255,.12); }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
article.report, main.dash { max-width: 980px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 1.7em; margin: 0 0 .2em; }
h2 { font-size: 1.3em; margin: 1.8em 0 .6em; border-bottom: 1px solid var(--rule); padding-bottom: .2em; }
h3 { font-size: 1.08em; margin: 1.4em 0 .4em; }
a { color: var(--link); }
.meta, .source, figcaption, .unit { color: var(--muted); }
nav.toc ul { columns: 2; list-style: none; padding-left: 0; margin: .3em 0; }
nav.toc h2 { border: 0; margin-top: 1em; }
.table { overflow-x: auto; margin: .6em 0 1em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--zebra); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
ul.notes { list-style: none; padding-left: .8em; border-left: 3px solid var(--rule); color: var(--muted); font-size: .92em; }
figure.chart { margin: 1em 0 1.4em; }
figure.chart svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--fg); font-size: 11px; font-family: inherit; }
svg .grid { stroke: var(--rule); stroke-width: 1; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg rect.week { fill: var(--week); }
svg .zone-label, svg .tick { fill: var(--muted); }
svg.sparks text { font-size: 10.5px; }
.analyst { border-left: 3px solid var(--link); padding-left: 12px; }
header.dashbar { border-bottom: 1px solid var(--rule); }
header.dashbar nav.top { max-width: 980px; margin: 0 auto; padding: 10px 20px; display: flex; gap: 16px; flex-wrap: wrap; }
@media print { header.dashbar { display: none; } }
.dash .crumbs { color: var(--muted); font-size: .9em; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10.5pt; background: #fff; color: #000; }
  article.report { max-width: none; padding: 0; }
  nav.toc { break-after: page; }
  figure.chart, tr, .notes { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`
