/**
 * Keeps one replica's in-memory gallery index in step with the shared PostgreSQL gallery.
 * A dedicated connection LISTENs on the change channel; each notification (and every
 * (re)connection) starts a catch-up: the changes after the last applied sequence number,
 * with each changed subject's current template, read in one snapshot and applied to the
 * index. After a connection loss the replica reconnects with backoff and catches up by
 * sequence number, without a full reload; only when it has been away longer than the
 * change log keeps (CHANGE_LOG_RETENTION) does it reload every template.
 */
import type pg from 'pg';
import { GalleryError } from '../gallery-errors.js';
import type { GalleryIndex } from '../gallery-index.js';
import { CHANGE_CHANNEL, type PostgresGalleryStore } from './postgres-gallery-store.js';

/** Change records read per catch-up query (bounds one query's size; a catch-up loops). */
const CATCH_UP_BATCH = 1000;
/** Reconnection backoff: first wait and ceiling (ms); doubles per failed attempt. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 2000;

/** What the sync reports to readiness and logs. */
export interface SyncStatus {
  readonly listening: boolean;
  readonly appliedSeq: number;
  readonly reloads: number;
  readonly lastError: string | null;
}

/** The index of one replica, following the database. */
export class GallerySync {
  private appliedSeq = 0;
  private listening = false;
  private closed = false;
  private reloads = 0;
  private lastError: string | null = null;
  private client: pg.Client | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs = RECONNECT_FIRST_MS;

  private constructor(
    private readonly store: PostgresGalleryStore,
    private readonly index: GalleryIndex,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Loads the index and starts following the database. The listener connects first and the
   * sequence number is read before the templates, so no change can fall between the two.
   */
  static async start(store: PostgresGalleryStore, index: GalleryIndex, log: (line: string) => void = () => undefined): Promise<GallerySync> {
    const sync = new GallerySync(store, index, log);
    try {
      await sync.listen();
    } catch (e) {
      throw new GalleryError('STORE_UNAVAILABLE', `cannot listen for gallery changes on ${store.location}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    await sync.reload();
    await sync.catchUp();
    return sync;
  }

  /** Current state. */
  status(): SyncStatus {
    return { listening: this.listening, appliedSeq: this.appliedSeq, reloads: this.reloads, lastError: this.lastError };
  }

  /**
   * True when the index holds every change committed before this call: listening, and a
   * catch-up started now reaches the sequence number read now.
   */
  async inSync(): Promise<{ ok: boolean; detail: string }> {
    if (!this.listening) return { ok: false, detail: `not listening for changes (${this.lastError ?? 'connecting'}); applied up to change ${this.appliedSeq}` };
    const latest = await this.store.latestSeq();
    await this.catchUp();
    const ok = this.appliedSeq >= latest;
    return { ok, detail: `applied up to change ${this.appliedSeq} of ${latest}; ${this.index.size} templates in memory; full loads ${this.reloads}` };
  }

  /** Applies every committed change not applied yet (coalesces concurrent calls). */
  catchUp(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.applyPending();
        } while (this.again && !this.closed);
      } catch (e) {
        // The next notification or reconnection tries again.
        this.lastError = e instanceof Error ? e.message : String(e);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.running;
    await this.client?.end().catch(() => undefined);
  }

  private async applyPending(): Promise<void> {
    for (;;) {
      const before = this.appliedSeq;
      const batch = await this.store.changesSince(before, CATCH_UP_BATCH);
      if (batch.gap) {
        this.log(`gallery sync: cannot catch up from change ${before} (pruned from the log, or the database is behind this replica); reloading every template`);
        await this.reload();
        continue;
      }
      for (const c of batch.changes) this.index.set(c.subjectId, c.template);
      this.appliedSeq = batch.seq;
      if (batch.seq === before) return;
    }
  }

  /** Replaces the whole index with the database's templates (start, or a replica away too long). */
  private async reload(): Promise<void> {
    const seq = await this.store.latestSeq();
    const seen = new Set<string>();
    for await (const row of this.store.templates()) {
      this.index.set(row.subjectId, row.template);
      seen.add(row.subjectId);
    }
    for (const id of this.index.subjectIds()) if (!seen.has(id)) this.index.remove(id);
    // Changes committed during the load are re-read by the catch-up that follows (idempotent).
    this.appliedSeq = seq;
    this.reloads++;
  }

  private async listen(): Promise<void> {
    const client = this.store.newClient();
    client.on('notification', () => void this.catchUp());
    client.on('error', (e: Error) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('the listening connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (e) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      throw e;
    }
    this.client = client;
    this.listening = true;
    this.lastError = null;
    this.backoffMs = RECONNECT_FIRST_MS;
  }

  private lost(client: pg.Client, e: Error): void {
    if (client !== this.client || this.closed) return;
    client.removeAllListeners();
    client.on('error', () => undefined);
    this.listening = false;
    this.lastError = e.message;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.log(`gallery sync: lost the database connection (${e.message}); reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.listen().then(
        () => {
          this.log(`gallery sync: reconnected; catching up from change ${this.appliedSeq}`);
          void this.catchUp();
        },
        (e: unknown) => {
          this.lastError = e instanceof Error ? e.message : String(e);
          this.backoffMs = Math.min(RECONNECT_MAX_MS, 2 * this.backoffMs);
          this.scheduleReconnect();
        },
      );
    }, this.backoffMs);
    this.reconnectTimer.unref();
  }
}
