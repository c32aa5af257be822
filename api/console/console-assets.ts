/**
 * The admin console's page, script and stylesheet, served on the API's own origin. The script is
 * bundled from console/web/main.ts by esbuild on the first request and kept in memory, so
 * `npm start` needs no build step. No inline script or style anywhere: the CSP forbids both.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { Router, type Response } from 'express';
import { build } from 'esbuild';

const webRoot = path.resolve(__dirname, '../../console/web');

export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const CONSOLE_ASSET_HEADERS = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

export const CONSOLE_INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Gatehouse console</title>
<link rel="stylesheet" href="/console/styles.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<div id="app"><main id="main"><p>Loading the Gatehouse console…</p></main></div>
<noscript><p>The Gatehouse console needs JavaScript.</p></noscript>
</body>
</html>
`;

/** Bundles the console's script; the answer (or the failure, retried next time) is shared. */
export async function bundleConsoleScript(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(webRoot, 'main.ts')],
    tsconfig: path.join(webRoot, 'tsconfig.json'),
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no console bundle');
  return file.text;
}

function send(res: Response, contentType: string, body: string): void {
  res.status(200).set(CONSOLE_ASSET_HEADERS).type(contentType).send(body);
}

export function consoleAssetsRouter(): Router {
  const router = Router();
  let script: Promise<string> | undefined;
  let styles: Promise<string> | undefined;

  router.get('/console', (req, res, next) => {
    // Relative paths resolve against /console/, so the bare path moves there.
    if (req.originalUrl.split('?')[0] === '/console') return void res.redirect(301, '/console/');
    next();
  });
  router.get('/console/', (_req, res) => send(res, 'text/html; charset=utf-8', CONSOLE_INDEX_HTML));
  router.get('/console/app.js', async (_req, res) => {
    script ??= bundleConsoleScript();
    try {
      send(res, 'text/javascript; charset=utf-8', await script);
    } catch (err) {
      script = undefined;
      throw err;
    }
  });
  router.get('/console/styles.css', async (_req, res) => {
    styles ??= readFile(path.join(webRoot, 'styles.css'), 'utf8');
    try {
      send(res, 'text/css; charset=utf-8', await styles);
    } catch (err) {
      styles = undefined;
      throw err;
    }
  });
  return router;
}
