/**
 * Reads a secret value from stdin: everything piped in (one trailing newline dropped, as `echo`
 * and here-documents add one), or, at a terminal, one line typed with echo off. A secret on the
 * command line would sit in the shell history and in every other user's `ps`.
 */
import { text } from 'node:stream/consumers';

/** The value from stdin; `prompt` goes to stderr, and only when someone is typing. */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return (await text(process.stdin)).replace(/\r?\n$/, '');
  return readHiddenLine(prompt);
}

/** One line from the terminal in raw mode, so nothing typed is shown. */
function readHiddenLine(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (typed: string) => {
      for (const char of typed) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new Error('cancelled'));
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}
