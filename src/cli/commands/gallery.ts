import { resolveModelFiles } from '../../service/service-context.js';
import { loadHeadBinding } from '../../head/head-binding.js';
import { DEFAULT_IMPORT_BATCH, importSubjects, type ImportSpace, type ImportSubject, mergeSubjects, readEmbeddingFolder } from '../../service/gallery-import.js';
import { sigmaLayoutOf } from '../../service/gallery-index.js';
import { SqliteGalleryStore } from '../../service/sqlite-gallery-store.js';
import { BACKBONE_DESCRIPTIONS, DEFAULT_BACKBONE } from '../../face/backbone/names.js';
import { integerOption, parseCommandArgs, requireOption } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';
import { createProgress } from '../../io/progress.js';


const OPTIONS = {
  data: { type: 'string' },
  head: { type: 'string' },
  'no-head': { type: 'boolean' },
  batch: { type: 'string' },
} as const;

const usage = `Usage: pfe gallery import <embedding folder>... --data <dir> [--head <file> | --no-head] [--batch <n>]

Loads subjects and faces from \`pfe embed\` output into the service's SQLite gallery in <dir>
(the --data of \`pfe serve\`): every embedded image becomes a face of the subject named by
its folder (<person>/<image>.jpg). One transaction per batch of subjects, each with all its
faces; subjects already in
the gallery are skipped, so an interrupted import continues when run again. Progress (count,
rate, ETA) goes to stderr.

The gallery's embedding space is the service's: with the shipped (or --head) uncertainty head
the folders must come from \`pfe embed --head\` (mu_centred.npy, sigma_sq.npy); with --no-head,
mu.npy is used.

Options:
  --data <dir>     the service's data folder (created if absent)
  --head <file>    the service's uncertainty head (default: as \`pfe serve\` chooses)
  --no-head        a gallery without σ² (cosine), as \`pfe serve --no-head\`
  --batch <n>      subjects per transaction (default ${DEFAULT_IMPORT_BATCH})`;

const command: CliCommand = {
  summary: 'gallery tools: import subjects and faces from pfe embed folders in bulk (resumable)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const [action, ...folders] = positionals;
    if (action !== 'import') throw new UsageError(`unknown action '${action ?? ''}'; expected 'import'`);
    if (folders.length === 0) throw new UsageError('give at least one embedding folder');
    const dataDir = requireOption(values.data, 'data');
    const batch = integerOption(values.batch, 'batch', { min: 1 }, DEFAULT_IMPORT_BATCH);
    const { headFile, note } = resolveModelFiles(values['no-head'] === true ? false : values.head, undefined);
    if (note !== undefined) process.stderr.write(`pfe gallery: ${note}\n`);
    const head = headFile === undefined ? undefined : await loadHeadBinding(headFile);
    const space: ImportSpace = { dim: head?.head.architecture.muDim ?? BACKBONE_DESCRIPTIONS[DEFAULT_BACKBONE].dim, layout: sigmaLayoutOf(head) };
    const lists: ImportSubject[][] = [];
    for (const folder of folders) lists.push(await readEmbeddingFolder(folder, space));
    const subjects = mergeSubjects(lists);
    const store = SqliteGalleryStore.open(dataDir, { dim: space.dim, head: head?.identity.sha256 ?? 'none' });
    try {
      const progress = createProgress('pfe gallery import: subjects', subjects.length, process.stderr);
      let reported = 0;
      const summary = await importSubjects(store, subjects, batch, (handled) => {
        progress.tick(handled - reported);
        reported = handled;
      });
      progress.done();
      process.stdout.write(`imported ${summary.imported} subjects with ${summary.faces} faces; ${summary.skipped} already in the gallery\n`);
    } finally {
      await store.close();
    }
    return 0;
  },
};

export default command;
