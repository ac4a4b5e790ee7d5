/** The calibrated verdicts that go with a head file, for the CLI commands that print verdicts. */
import { existsSync } from 'node:fs';
import { type VerdictPolicies, verdictPolicies } from '../face-pfe/verdicts.js';
import { calibrationFileForHead, loadCalibrationFile } from '../verify/calibration-file.js';

/** The head's calibrated verdicts, or undefined when no calibration made with this head file sits beside it. */
export async function headVerdicts(headFile: string, headSha256: string): Promise<VerdictPolicies | undefined> {
  const file = calibrationFileForHead(headFile);
  if (!existsSync(file)) return undefined;
  const loaded = await loadCalibrationFile(file);
  if (loaded.content.head?.sha256 !== headSha256 || loaded.mls === undefined) return undefined;
  return verdictPolicies(loaded, headSha256, file);
}
