/**
 * The console's page, script and stylesheet: served with a strict Content-Security-Policy, the
 * script really is the bundled JavaScript, and the page carries no inline script or style.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { CONSOLE_CSP, consoleAssetsRouter } from '../../api/console/console-assets';

describe('console assets', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const app = express();
    app.use(consoleAssetsRouter());
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const assertHeaders = (res: Response) => {
    assert.equal(res.headers.get('content-security-policy'), CONSOLE_CSP);
    assert.match(CONSOLE_CSP, /script-src 'self'/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval/);
    assert.match(CONSOLE_CSP, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  };

  it('serves the page with the strict CSP and no inline script or style', async () => {
    const res = await fetch(`${base}/console/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assertHeaders(res);
    const html = await res.text();
    assert.match(html, /<script src="\/console\/app\.js" defer><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="\/console\/styles\.css">/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs!, /\bsrc=/, 'every script is an external file');
      assert.equal(body!.trim(), '', 'no inline script');
    }
    assert.doesNotMatch(html, /<style\b/i, 'no inline stylesheet');
    assert.doesNotMatch(html, /\sstyle=/i, 'no style attribute');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
  });

  it('moves /console to /console/', async () => {
    const res = await fetch(`${base}/console`, { redirect: 'manual' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), '/console/');
  });

  it('serves the bundled console script as JavaScript', async () => {
    const res = await fetch(`${base}/console/app.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assertHeaders(res);
    const js = await res.text();
    assert.ok(js.length > 1000, 'the bundle has the pages in it');
    assert.doesNotThrow(() => new Function(js), 'it parses as JavaScript');
    assert.doesNotMatch(js, /\bimport\s*[{*]|\brequire\(/, 'bundled: nothing left to import');
    assert.match(js, /\/console\/api\/session/);
    assert.doesNotMatch(js, /innerHTML/, 'text goes in as textContent');
    // Cached: the second answer is the same bundle.
    assert.equal(await (await fetch(`${base}/console/app.js`)).text(), js);
  });

  it('serves the stylesheet as CSS, with visible focus', async () => {
    const res = await fetch(`${base}/console/styles.css`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/css/);
    assertHeaders(res);
    assert.match(await res.text(), /:focus-visible/);
  });
});
