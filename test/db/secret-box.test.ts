import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, describe, it } from 'node:test';
import { keyIdOf, loadMasterKey, MASTER_KEY_ENV, SecretBox, SecretBoxError } from '../../db/secret-box';

const isCode = (code: SecretBoxError['code']) => (err: unknown): boolean => err instanceof SecretBoxError && err.code === code;

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('round-trips, with a fresh nonce every time', () => {
    const a = box.seal('xoxb-secret-token', 'ctx');
    const b = box.seal('xoxb-secret-token', 'ctx');
    assert.equal(box.open(a, 'ctx'), 'xoxb-secret-token');
    assert.notDeepEqual(a.iv, b.iv);
    assert.notDeepEqual(a.ciphertext, b.ciphertext);
    assert.equal(a.iv.length, 12);
    assert.equal(a.authTag.length, 16);
    assert.equal(box.open(box.seal(''), ''), '');
    assert.equal(box.open(box.seal('päss wörd ✓')), 'päss wörd ✓');
  });

  it('uses the first 8 hex digits of sha256(key) as key id', () => {
    assert.match(box.keyId, /^[0-9a-f]{8}$/);
    assert.equal(box.keyId, keyIdOf(key));
  });

  it('fails clearly, without secret material, under a wrong key', () => {
    const sealed = box.seal('hunter2-plaintext');
    const other = randomBytes(32);
    assert.throws(() => new SecretBox(other).open(sealed), (err: unknown) => {
      assert.ok(isCode('wrong_key')(err));
      const message = (err as Error).message;
      assert.match(message, /sealed with master key [0-9a-f]{8}/);
      for (const secret of ['hunter2-plaintext', key.toString('base64'), key.toString('hex'), other.toString('base64'), other.toString('hex')]) {
        assert.ok(!message.includes(secret));
      }
      return true;
    });
  });

  it('rejects tampering and a different context', () => {
    const sealed = box.seal('value', 'tenant-a/slack_bot_token');
    assert.throws(() => box.open(sealed, 'tenant-b/slack_bot_token'), isCode('decrypt_failed'));
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    assert.throws(() => box.open({ ...sealed, ciphertext: flipped }, 'tenant-a/slack_bot_token'), isCode('decrypt_failed'));
    assert.throws(() => box.open({ ...sealed, authTag: randomBytes(16) }, 'tenant-a/slack_bot_token'), isCode('decrypt_failed'));
  });

  it('keeps the key out of inspect and JSON', () => {
    for (const text of [inspect(box, { showHidden: true }), JSON.stringify({ box })]) {
      assert.ok(!text.includes(key.toString('hex')) && !text.includes(key.toString('base64')), text);
      assert.ok(text.includes(box.keyId));
    }
  });

  it('refuses keys that are not 32 bytes', () => {
    assert.throws(() => new SecretBox(randomBytes(16)), isCode('malformed_key'));
  });
});

describe('loadMasterKey', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-key-'));
    dirs.push(dir);
    return dir;
  };
  after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

  it('reads GATEHOUSE_MASTER_KEY', () => {
    const key = randomBytes(32);
    assert.deepEqual(loadMasterKey({ env: { [MASTER_KEY_ENV]: ` ${key.toString('base64')}\n` } }), key);
  });

  it('refuses a malformed or empty variable without echoing it', () => {
    const bad = [randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${randomBytes(32).toString('hex')}`, 'not base64 at all!!', ''];
    for (const value of bad) {
      assert.throws(() => loadMasterKey({ env: { [MASTER_KEY_ENV]: value }, dataDir: tempDir() }), (err: unknown) => {
        assert.ok(isCode('malformed_key')(err));
        assert.match((err as Error).message, new RegExp(MASTER_KEY_ENV));
        if (value) assert.ok(!(err as Error).message.includes(value));
        return true;
      });
    }
  });

  it('creates <dataDir>/master.key with mode 0600 and reuses it', () => {
    const dir = tempDir();
    const first = loadMasterKey({ env: {}, dataDir: dir });
    assert.equal(first.length, 32);
    const file = join(dir, 'master.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), first);
    assert.deepEqual(loadMasterKey({ env: {}, dataDir: dir }), first);
  });

  it('prefers the variable over the file, and refuses a corrupt file', () => {
    const dir = tempDir();
    loadMasterKey({ env: {}, dataDir: dir });
    const key = randomBytes(32);
    assert.deepEqual(loadMasterKey({ env: { [MASTER_KEY_ENV]: key.toString('base64') }, dataDir: dir }), key);
    writeFileSync(join(dir, 'master.key'), 'garbage');
    assert.throws(() => loadMasterKey({ env: {}, dataDir: dir }), isCode('malformed_key'));
  });

  it('falls back to an ephemeral key', () => {
    const a = loadMasterKey({ env: {} });
    const b = loadMasterKey({ env: {} });
    assert.equal(a.length, 32);
    assert.notDeepEqual(a, b);
  });
});
