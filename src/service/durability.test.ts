/**
 * Durability: a server process killed with SIGKILL in the middle of a stream of
 * enrolments restarts with every acknowledged enrolment present, and the database passes
 * `PRAGMA integrity_check`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { fixturePath } from '../testing/paths.js';
import { type ServeProcess, startServeProcess } from '../testing/pfe-serve-process.js';
import { GALLERY_FILE_NAME } from './sqlite-gallery-store.js';

const KEY = 'durability-key-0123456789';
/** Enrolments acknowledged before the kill: enough to span many transactions and WAL frames. */
const ACKS_BEFORE_KILL = 12;
/** Concurrent enrolment streams, so requests are in flight when the process dies. */
const STREAMS = 3;

const IMAGES = ['Abdullah_Gul/Abdullah_Gul_0001', 'Abdullah_Gul/Abdullah_Gul_0002', 'Abdullah_Gul/Abdullah_Gul_0003', 'Adrien_Brody/Adrien_Brody_0001', 'Adrien_Brody/Adrien_Brody_0003', 'Aaron_Eckhart/Aaron_Eckhart_0001', 'AJ_Cook/AJ_Cook_0001'].map((p) =>
  readFileSync(fixturePath('lfw', 'images', `${p}.jpg`)),
);

/** Starts `pfe serve` on a free loopback port with the test's key. */
function startServer(dataDir: string): Promise<ServeProcess> {
  return startServeProcess(['--data', dataDir, '--workers', '1', '--queue', '8'], { ...process.env, PFE_API_KEY: KEY });
}

async function post(url: string, body: FormData | object): Promise<{ status: number; json: Record<string, unknown> }> {
  const isForm = body instanceof FormData;
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, ...(isForm ? {} : { 'content-type': 'application/json' }) },
    body: isForm ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('SIGKILL during enrolments loses no acknowledged enrolment and leaves the database intact', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-durable-'));
  let second: ServeProcess | undefined;
  try {
    const { child, url } = await startServer(dataDir);
    const ackedSubjects = new Set<string>();
    const ackedFaces = new Map<string, string>(); // face id → subject id
    let next = 0;
    let killed = false;
    let cutShort = 0; // requests in flight when the process died
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

    const stream = async (): Promise<void> => {
      while (!killed) {
        const k = next++;
        const subjectId = `s${k}`;
        try {
          const created = await post(`${url}/v1/subjects`, { id: subjectId });
          if (created.status !== 201) throw new Error(`create ${subjectId}: ${created.status}`);
          ackedSubjects.add(subjectId);
          const form = new FormData();
          form.append('image', new Blob([IMAGES[k % IMAGES.length]!]), 'face.jpg');
          const added = await post(`${url}/v1/subjects/${subjectId}/faces`, form);
          if (added.status !== 201) throw new Error(`enrol ${subjectId}: ${added.status} ${JSON.stringify(added.json)}`);
          ackedFaces.set((added.json['face'] as { id: string }).id, subjectId);
          if (ackedFaces.size >= ACKS_BEFORE_KILL && !killed) {
            killed = true;
            child.kill('SIGKILL');
          }
        } catch (e) {
          if (!killed) throw e; // after the kill, in-flight requests fail: they were never acknowledged
          cutShort++;
        }
      }
    };
    await Promise.all(Array.from({ length: STREAMS }, stream));
    await exited;
    assert.ok(ackedFaces.size >= ACKS_BEFORE_KILL);
    assert.ok(cutShort >= 1, 'the kill interrupted requests in flight');

    // The database as the killed process left it (opening it replays the WAL).
    const db = new Database(path.join(dataDir, GALLERY_FILE_NAME));
    try {
      assert.equal((db.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check, 'ok');
      const subjects = new Set(db.prepare<[], { id: string }>('SELECT id FROM subjects').all().map((r) => r.id));
      for (const s of ackedSubjects) assert.ok(subjects.has(s), `acknowledged subject ${s} is missing`);
      const faceRow = db.prepare<[string], { subject_id: string }>('SELECT subject_id FROM faces WHERE id = ?');
      for (const [faceId, subjectId] of ackedFaces) assert.equal(faceRow.get(faceId)?.subject_id, subjectId, `acknowledged face ${faceId} is missing`);
      // Every template matches its faces: a subject has a template exactly when it has faces.
      const inconsistent = db
        .prepare<[], { n: number }>('SELECT count(*) AS n FROM subjects s WHERE (s.template_mu IS NOT NULL) <> (s.face_count > 0) OR s.face_count <> (SELECT count(*) FROM faces f WHERE f.subject_id = s.id)')
        .get()!.n;
      assert.equal(inconsistent, 0);
    } finally {
      db.close();
    }

    // A restarted server serves every acknowledged enrolment.
    const restarted = await startServer(dataDir);
    second = restarted;
    const health = (await (await fetch(`${restarted.url}/v1/health`)).json()) as { gallery: { templates: number } };
    const enrolledSubjects = new Set(ackedFaces.values());
    assert.ok(health.gallery.templates >= enrolledSubjects.size);
    for (const subjectId of enrolledSubjects) {
      const res = await fetch(`${restarted.url}/v1/subjects/${subjectId}`, { headers: { 'x-api-key': KEY } });
      assert.equal(res.status, 200);
      const got = (await res.json()) as { faces: { id: string }[] };
      for (const [faceId, s] of ackedFaces) if (s === subjectId) assert.ok(got.faces.some((f) => f.id === faceId));
    }
  } finally {
    await second?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
