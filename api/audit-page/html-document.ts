/**
 * The frame shared by the audit pages: a complete document with inline CSS only (the pages are
 * served under a CSP that allows no other source), sized for the phones approvers open Slack on.
 */
import { escapeHtml } from './escape-html';

// Below 640px the table's rows become stacked cards, each cell labelled from its data-label.
const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:1em;max-width:72em;color:#1a1a1a;background:#fff}
h1{font-size:1.25em;margin:0 0 .25em;overflow-wrap:anywhere}
p{margin:.25em 0 1em;color:#444}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.4em .5em;border-bottom:1px solid #ddd}
th{background:#f3f3f3}
td{overflow-wrap:anywhere}
.detail div{font-family:ui-monospace,monospace;font-size:.9em}
@media (max-width:640px){
thead{display:none}
tr,td{display:block}
tr{border-bottom:1px solid #bbb;padding:.5em 0}
td{border:0;padding:.1em 0}
td::before{content:attr(data-label) ": ";font-weight:600}
}`;

/** A whole HTML document; `title` is text (escaped here), `bodyHtml` is HTML built with escapeHtml. */
export function htmlDocument(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${bodyHtml}
</body>
</html>
`;
}
