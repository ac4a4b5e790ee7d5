/** `pfe eval`: the usage text and one handler per protocol (each in ./eval/). */
import { findDefaultHead } from '../../head/model-file.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';
import { runAblationCommand } from './eval/ablation.js';
import { runDilemmaCommand } from './eval/dilemma.js';
import { runLfwCommand } from './eval/lfw.js';
import { backboneOf, COMMON_OPTIONS, commonHelp, DEFAULT_LFW_CACHE, type Values } from './eval/options.js';
import { runPairsCommand } from './eval/pairs.js';
import { runRiskCommand } from './eval/risk.js';
import { runSheetCommand } from './eval/sheet.js';
import { runTemplatesCommand } from './eval/templates.js';

const usage = `Usage: pfe eval <protocol> [options]

Protocols:
  pairs --pairs FILE --root DIR --out DIR   verification on any pair list
  lfw [--root DIR]                          LFW View 2 (6,000 pairs, 10 folds)
  dilemma [--levels 0,1,2,3,4,5]            the blurry-image dilemma on LFW View 2 pairs
  risk [--levels 0,2,4]                     mixed clean+degraded LFW View 2 and risk control (EDC)
  templates [--levels 2,4]                  template verification from LFW people (fusion)
  sheet [--out DIR]                         contact sheet of the most / least confident LFW faces
  ablation --variant NAME=HEAD ...          MLS vs its halves per head variant, clean and mixed LFW

Every protocol compares cosine on raw mu, cosine on centred mu and, with a head, MLS.
A pair with an image that fails (unreadable, no face) counts as an error: a genuine pair
is a false reject, an impostor pair a correct reject. Results: k-fold accuracy (when the
pairs have folds; threshold from the other folds), TAR at FAR 1e-3 and 1e-2, AUC, ROC.

pfe eval pairs: pair-file format, one pair per line (TAB-separated, '#' comments):
  pathA<TAB>pathB<TAB>label[<TAB>fold]      label 1 = same person, 0 = different
  Paths are relative to --root. The fold column is optional (all lines or none).

The LFW protocols read an LFW folder (README, "Data"): images/<Person>/<Person>_NNNN.jpg
  (250x250 originals or 150x150 copies), pairs.txt, people.txt, ldmark_lfw_mtcnncaffe.txt.
  It is --root, else $PFE_SHARED_DATA/lfw, else ../shared/data/lfw; it is checked first.

pfe eval lfw: --root is the LFW folder (pairs.txt, images/, ldmark_lfw_mtcnncaffe.txt);
  by default the images come from ${DEFAULT_LFW_CACHE}/<backbone>/clean when it exists and are aligned with
  the MTCNN landmark file. Centred cosine subtracts the mean mu of the other nine folds.

pfe eval dilemma: genuine pairs = a clean image vs a degraded image of the same person,
  impostor pairs = two degraded images of different people, at every ladder level; mean ±
  std of each method's scores per level (SVG per method), AUC and TAR per level. Images
  come from <lfw-cache>/clean and <lfw-cache>/level<k> when present, else are embedded.

pfe eval risk: every View 2 image is drawn (seeded, --draw-seed) at one of --levels with
  probabilities --weights; the methods are compared on these mixed pairs, then pairs are
  discarded by image quality: PFE uncertainty, the detector's score (the detector is run on
  the same degraded images), the norm of the raw pooled features, and at random. EDC with
  the threshold fixed at FAR 1e-3 before discarding, mean FNMR up to 30% discarded, and
  TAR@FAR 1e-3 after removing 0/5/10/20/30% of the images.

pfe eval templates: --draws times two disjoint templates per person of the View 2 people
  sets (≥ --min-images images), 1..--max-size images each, each member degraded with probability --degraded at
  one of --levels; --impostors impostor pairs per person within its fold. Compares the mean
  of mu (raw, centred) + cosine with PFE fusion (product, min) + MLS and fused mu + cosine.

pfe eval sheet: per-image σ² of every clean LFW image (out-of-fold with --fold-heads),
  the most and least confident faces, and for two faces of each kind the nearest gallery
  faces to samples z ~ N(mu, σ²); also the rate at which samples land on the same person.

pfe eval ablation: each --variant NAME=FILE (one head) or NAME=PATTERN with {fold}
  (per-fold heads) is evaluated on clean View 2 and on the mixed protocol of 'risk'
  (--levels, --weights, --draw-seed): MLS, weighting only, penalty only, cosine on head mu.

Options:
      --norm-sigma-power <p> (dilemma, risk, templates) investigation: instead of a head, σ² = base·(‖raw‖/median)^−p,
                           base = the heads' mean clean σ² (dlib 2.05e-3, faceres 4.83e-4)
      --levels <list>      (dilemma) ladder levels, default 0,1,2,3,4,5; (risk) default 0,2,4;
                           (templates) degraded levels, default 2,4
      --pairs-file <name> (ablation, dilemma) LFW pairs file (default pairs.txt; pairsDevTest.txt = View 1 test,
                           person-disjoint from View 1 training people: honest for heads trained on them)
      --max-size <n>       (templates) largest template (default 8)
      --degraded <p>       (templates) probability a member is degraded (default 0.5)
      --impostors <n>      (templates) impostor pairs per person and draw (default 20)
      --min-images <n>     (templates) people with at least n images (default 4)
      --draws <n>          (templates) template pairs drawn per person (default 5)
      --weights <list>     (risk) probability of each level, default 0.5,0.25,0.25
      --draw-seed <N>      (risk) seed of the level draw and the random quality (default 1)
      --no-detector        (risk) skip the detector-score baseline
      --detector-embeddings <dir> (risk) detector-aligned clean LFW folder for the detector scores
      --folds <n>          (dilemma) use the pairs of the first n View 2 folds (default 10)
      --lfw-cache <dir>    (lfw, dilemma) folder of LFW embedding folders (default ${DEFAULT_LFW_CACHE}/<backbone>)
      --pairs <file>       (pairs) the pair list
      --root <dir>         (pairs) image root; (LFW protocols) the LFW folder, default
                           $PFE_SHARED_DATA/lfw, else ../shared/data/lfw
${commonHelp}`;

/** The protocols of `pfe eval`. */
type ProtocolName = 'pairs' | 'lfw' | 'dilemma' | 'risk' | 'templates' | 'sheet' | 'ablation';

/** One handler per protocol: a protocol without one does not compile. */
const PROTOCOLS: Readonly<Record<ProtocolName, (values: Values) => Promise<number>>> = {
  pairs: runPairsCommand,
  lfw: runLfwCommand,
  dilemma: runDilemmaCommand,
  risk: runRiskCommand,
  templates: runTemplatesCommand,
  sheet: runSheetCommand,
  ablation: runAblationCommand,
};

/** `pfe eval <protocol>`: verification evaluations with cosine, centred cosine and MLS. */
const evalCommand: CliCommand = {
  summary: 'evaluate verification on a pair list or LFW View 2: cosine, centred cosine, MLS (JSON, table, ROC SVG)',
  usage,
  async run(argv) {
    const [protocol, ...rest] = argv;
    const { values, positionals } = parseCommandArgs(rest, COMMON_OPTIONS);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const singleHead = values['fold-heads'] === undefined && (values.head !== undefined || (values['no-default-head'] !== true && findDefaultHead(backboneOf(values)) !== undefined));
    if (protocol !== 'pairs' && protocol !== 'ablation' && singleHead) {
      process.stderr.write(
        `pfe eval ${protocol}: warning: MLS uses one head for every fold${values.head === undefined ? ' (the shipped head, trained on all LFW people)' : ''}; ` +
          'if it saw LFW people its LFW numbers are not out-of-fold — give --fold-heads for an honest protocol\n',
      );
    }
    const runProtocol = protocol === undefined || !Object.hasOwn(PROTOCOLS, protocol) ? undefined : PROTOCOLS[protocol as ProtocolName];
    if (runProtocol === undefined) {
      throw new UsageError(protocol === undefined ? 'name a protocol: pairs, lfw, dilemma, risk, templates, sheet or ablation' : `unknown protocol '${protocol}' (pairs, lfw, dilemma, risk, templates, sheet, ablation)`);
    }
    return runProtocol(values);
  },
};

export default evalCommand;
