/**
 * Loads Octokit. `@octokit/app` and `@octokit/core` are ES modules and this project is
 * CommonJS: a static import would become `require()`, which tsx's CommonJS loader cannot
 * resolve for their dependencies (their `exports` have no `require` condition). A dynamic
 * `import()` goes through Node's ES module loader instead, so they are loaded once, on first use.
 *
 * `@octokit/core` is not in package.json; it is the core `@octokit/app` is built on and is
 * installed with it. It is needed for `Octokit.defaults({ baseUrl })`, the documented way to point
 * an App at GitHub Enterprise Server or a simulator.
 */
import type { App } from '@octokit/app';
import type { Octokit } from '@octokit/core';

/** The two classes the client needs. */
export interface OctokitModules {
  App: typeof App;
  Octokit: typeof Octokit;
}

let loading: Promise<OctokitModules> | undefined;

/** The Octokit classes, imported on first call. */
export function loadOctokit(): Promise<OctokitModules> {
  loading ??= Promise.all([import('@octokit/app'), import('@octokit/core')])
    .then(([app, core]) => ({ App: app.App, Octokit: core.Octokit }));
  return loading;
}
