/**
 * Runs the real `pfe serve` command (the compiled CLI) as a child process on a free
 * loopback port, for tests that need the whole service: process signals, the startup log,
 * the page served under /demo/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI entry (this file compiles to <out>/testing/). */
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

/** A started `pfe serve`. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** Everything the process wrote to stdout up to the moment it listened. */
  readonly log: string;
  /** Sends SIGTERM (a clean stop) and resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `pfe serve --port 0 <args>` and resolves once it logs the address it listens on.
 * @param env the child's environment (default: this process's)
 * @throws Error when the process exits before listening (with its stderr)
 */
export function startServeProcess(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ServeProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let listening = false;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // The demo page line follows the listening line; wait for both when a page is served.
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && !listening && /demo page: .*\n/.test(out)) {
        listening = true;
        resolve({ child, url: m[1]!, log: out, stop });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (!listening) reject(new Error(`pfe serve exited (${code ?? signal}) before listening: ${err}`));
    });
  });
}
