import { resolveModelFiles } from '../../service/service-context.js';
import { loadHeadBinding } from '../../head/head-binding.js';
import { DEFAULT_IMPORT_BATCH, type FolderImportSpace, importSubjects, type ImportSubject, mergeSubjects, readEmbeddingFolder } from '../../service/gallery-import.js';
import { sigmaLayoutOf } from '../../service/gallery-index.js';
import { loadApiKey } from '../../service/auth.js';
import { serviceImportSpace, streamSubjectsToService, type ServiceTarget } from '../../service/import-client.js';
import { DEFAULT_SERVICE_IMPORT_BATCH, MAX_IMPORT_BATCH } from '../../service/import-route.js';
import { SqliteGalleryStore } from '../../service/sqlite-gallery-store.js';
import { BACKBONE_DESCRIPTIONS, DEFAULT_BACKBONE } from '../../face/backbone/names.js';
import { integerOption, parseCommandArgs } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';
import { createProgress, type Progress } from '../../io/progress.js';

const OPTIONS = {
  data: { type: 'string' },
  url: { type: 'string' },
  'api-key-file': { type: 'string' },
  head: { type: 'string' },
  'no-head': { type: 'boolean' },
  batch: { type: 'string' },
} as const;

const usage = `Usage: pfe gallery import <embedding folder>... --data <dir> [--head <file> | --no-head] [--batch <n>]
       pfe gallery import <embedding folder>... --url <service URL> [--api-key-file <file>] [--batch <n>]

Loads subjects and faces from \`pfe embed\` output into a gallery: every embedded image becomes
a face of the subject named by its folder (<person>/<image>.jpg). One transaction per batch of
subjects, each subject with all its faces; subjects already in the gallery are skipped, so an
interrupted import continues when run again. Progress (count, rate, ETA) goes to stderr.

With --data the import writes the SQLite gallery in <dir> (the --data of \`pfe serve\`; the
service must not be running on it). With --url it streams the subjects to a running service
(POST /v1/gallery/import), which may use SQLite or PostgreSQL; the service's gallery decides
the embedding space (its D and σ²) and the key comes from --api-key-file or PFE_API_KEY.

The gallery's embedding space is the service's: with the shipped (or --head) uncertainty head
the folders must come from \`pfe embed --head\` (mu_centred.npy, sigma_sq.npy); with --no-head,
mu.npy is used.

Options:
  --data <dir>            the service's data folder (created if absent)
  --url <URL>             a running service, e.g. http://127.0.0.1:8080
  --api-key-file <file>   the service's API key (first line; default: $PFE_API_KEY)
  --head <file>           with --data: the service's uncertainty head (default: as \`pfe serve\` chooses)
  --no-head               with --data: a gallery without σ² (cosine), as \`pfe serve --no-head\`
  --batch <n>             subjects per transaction (default ${DEFAULT_IMPORT_BATCH} with --data; ${DEFAULT_SERVICE_IMPORT_BATCH}, at most ${MAX_IMPORT_BATCH}, with --url)`;

/** The subjects of all folders, one entry per subject. */
async function readFolders(folders: readonly string[], space: FolderImportSpace): Promise<ImportSubject[]> {
  const lists: ImportSubject[][] = [];
  for (const folder of folders) lists.push(await readEmbeddingFolder(folder, space));
  return mergeSubjects(lists);
}

/** A progress line fed with totals (the import reports how far it is, not how much more). */
function progressOfTotals(total: number): { progress: Progress; reach(done: number): void } {
  const progress = createProgress('pfe gallery import: subjects', total, process.stderr);
  let reported = 0;
  return {
    progress,
    reach(done) {
      progress.tick(done - reported);
      reported = done;
    },
  };
}

function printSummary(summary: { imported: number; faces: number; skipped: number }): void {
  process.stdout.write(`imported ${summary.imported} subjects with ${summary.faces} faces; ${summary.skipped} already in the gallery\n`);
}

/** `--data`: into the SQLite gallery of a data folder, in this process. */
async function importIntoDataFolder(folders: readonly string[], dataDir: string, headOption: string | false | undefined, batch: number): Promise<void> {
  const { headFile, note } = resolveModelFiles(headOption, undefined);
  if (note !== undefined) process.stderr.write(`pfe gallery: ${note}\n`);
  const head = headFile === undefined ? undefined : await loadHeadBinding(headFile);
  const space: FolderImportSpace = { dim: head?.head.architecture.muDim ?? BACKBONE_DESCRIPTIONS[DEFAULT_BACKBONE].dim, layout: sigmaLayoutOf(head), head: head?.identity ?? null };
  const subjects = await readFolders(folders, space);
  const store = SqliteGalleryStore.open(dataDir, { dim: space.dim, head: head?.identity.sha256 ?? 'none' });
  try {
    const { progress, reach } = progressOfTotals(subjects.length);
    const summary = await importSubjects(store, subjects, batch, reach);
    progress.done();
    printSummary(summary);
  } finally {
    await store.close();
  }
}

/** `--url`: streamed to a running service, whose gallery decides the embedding space. */
async function importIntoService(folders: readonly string[], target: ServiceTarget, batch: number): Promise<void> {
  const space = await serviceImportSpace(target);
  const subjects = await readFolders(folders, space);
  const { progress, reach } = progressOfTotals(subjects.length);
  const summary = await streamSubjectsToService(target, subjects, batch, (p) => reach(p.committedLines));
  reach(summary.committedLines);
  progress.done();
  printSummary(summary);
}

const command: CliCommand = {
  summary: 'gallery tools: import subjects and faces from pfe embed folders in bulk, locally or into a running service (resumable)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const [action, ...folders] = positionals;
    if (action !== 'import') throw new UsageError(`unknown action '${action ?? ''}'; expected 'import'`);
    if (folders.length === 0) throw new UsageError('give at least one embedding folder');
    const { data, url } = values;
    if (url !== undefined && data === undefined) {
      if (values.head !== undefined || values['no-head'] === true) throw new UsageError("--head and --no-head go with --data; with --url the service's gallery decides");
      const batch = integerOption(values.batch, 'batch', { min: 1, max: MAX_IMPORT_BATCH }, DEFAULT_SERVICE_IMPORT_BATCH);
      await importIntoService(folders, { url, apiKey: loadApiKey(values['api-key-file']) }, batch);
    } else if (data !== undefined && url === undefined) {
      if (values['api-key-file'] !== undefined) throw new UsageError('--api-key-file goes with --url');
      const batch = integerOption(values.batch, 'batch', { min: 1 }, DEFAULT_IMPORT_BATCH);
      await importIntoDataFolder(folders, data, values['no-head'] === true ? false : values.head, batch);
    } else throw new UsageError('give either --data <dir> (a local gallery) or --url <service URL>');
    return 0;
  },
};

export default command;
