/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, `pg_ctl
 * start` on a free loopback port (and a Unix socket in the same folder), trust
 * authentication (loopback only, deleted afterwards). Debian's `postgresql` package puts
 * the binaries under /usr/lib/postgresql/<version>/bin (.ci/run installs it). PostgreSQL
 * refuses to run as root, so under root the cluster runs as the `postgres` user (runuser).
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A running cluster. */
export interface PostgresCluster {
  readonly port: number;
  /** The URL of a database of the cluster (user `pfe`, no password). */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown: clients are disconnected). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and deletes every file. */
  dispose(): Promise<void>;
}

/** The folder with initdb and pg_ctl: $PFE_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env['PFE_PG_BIN'];
  if (fromEnv !== undefined && existsSync(path.join(fromEnv, 'pg_ctl'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')) && existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : path.join(root, versions[0]!, 'bin');
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
  if (postgresBinDir() === undefined) return "PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin; .ci/run installs Debian's postgresql, or set PFE_PG_BIN)";
  if (userInfo().uid === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root without runuser: PostgreSQL refuses to run as root';
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The uid and gid of the `postgres` user (Debian's package creates it). */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

/**
 * Creates and starts a cluster.
 * @throws Error when PostgreSQL is missing (check postgresUnavailableReason first) or fails to start
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(postgresUnavailableReason());
  const root = mkdtempSync(path.join(tmpdir(), 'pfe-pg-'));
  const data = path.join(root, 'data');
  const log = path.join(root, 'server.log');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    chownSync(root, uid, gid);
    chmodSync(root, 0o700);
  }
  const pgRun = async (tool: string, args: readonly string[]): Promise<void> => {
    const exe = path.join(bin, tool);
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', exe, ...args], { cwd: root });
    else await run(exe, [...args], { cwd: root });
  };
  const port = await freePort();
  await pgRun('initdb', ['-D', data, '-U', 'pfe', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  const start = (): Promise<void> => pgRun('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '60', 'start']);
  const stop = (): Promise<void> => pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  try {
    await start();
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  const url = (database: string): string => `postgres://pfe@127.0.0.1:${port}/${database}`;
  let running = true;
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await stop();
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async dispose() {
      try {
        if (running) await stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
