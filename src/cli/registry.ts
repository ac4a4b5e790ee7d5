import type { CliCommand } from './command.js';

/**
 * Subcommands of `pfe`, loaded lazily so that `pfe score` never pays for
 * loading TensorFlow.js. Add one line per command.
 */
export const commands: Readonly<Record<string, { summary: string; load: () => Promise<CliCommand> }>> = {
  score: { summary: 'score two embedding folders against each other into an M×N .npy matrix (MLS or cosine)', load: async () => (await import('./commands/score.js')).default },
  degrade: { summary: 'write a blurred / down-scaled / noisy / JPEG-compressed copy of an image (seeded)', load: async () => (await import('./commands/degrade.js')).default },
  embed: { summary: 'embed face images (detect or use landmarks, align, faceres) into mu.npy + index.json', load: async () => (await import('./commands/embed.js')).default },
  eval: { summary: 'evaluate verification on a pair list or LFW View 2: cosine, centred cosine, MLS (JSON, table, ROC SVG)', load: async () => (await import('./commands/eval.js')).default },
  serve: { summary: 'start the face verification / identification HTTP service (SQLite gallery, calibrated decisions)', load: async () => (await import('./commands/serve.js')).default },
  demo: { summary: 'a short end-to-end demo: real faces with the shipped head, then MLS vs cosine and fusion on generated data', load: async () => (await import('./commands/demo.js')).default },
  train: { summary: 'train the uncertainty head (MLS on genuine pairs) on cached features from pfe embed', load: async () => (await import('./commands/train.js')).default },
  gallery: { summary: 'gallery tools: import subjects and faces from pfe embed folders in bulk (resumable)', load: async () => (await import('./commands/gallery.js')).default },
  compare: { summary: 'compare two face images: cosine, MLS and the uncertainty (harmonic-mean σ²) of each', load: async () => (await import('./commands/compare.js')).default },
};
