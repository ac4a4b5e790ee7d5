/**
 * The LFW fixture images (fixtures/lfw/images, see its README for provenance) the demo
 * page offers as samples. The page build copies them to `samples/` next to the page;
 * the page lists them; the end-to-end test uses them. One list for all three.
 */

/** Fixture paths under fixtures/lfw/images/, person folder first. */
export const SAMPLE_IMAGES: readonly string[] = [
  'Abdullah_Gul/Abdullah_Gul_0001.jpg',
  'Abdullah_Gul/Abdullah_Gul_0002.jpg',
  'Abdullah_Gul/Abdullah_Gul_0003.jpg',
  'Adrien_Brody/Adrien_Brody_0001.jpg',
  'Adrien_Brody/Adrien_Brody_0002.jpg',
  'Adrien_Brody/Adrien_Brody_0003.jpg',
  'AJ_Cook/AJ_Cook_0001.jpg',
  'Aaron_Eckhart/Aaron_Eckhart_0001.jpg',
];

/** The samples preselected for image A and image B: two photos of one person. */
export const DEFAULT_PAIR = ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'Abdullah_Gul/Abdullah_Gul_0002.jpg'] as const;

/** The gallery sample: A's sample and a third photo of the same person; B's sample is not in it, so B is compared with photos it is not part of. */
export const GALLERY_SAMPLE: readonly string[] = ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'Abdullah_Gul/Abdullah_Gul_0003.jpg'];

/** URL of a sample, relative to the page. */
export function sampleUrl(fixture: string): string {
  return `samples/${fixture.split('/').pop() ?? fixture}`;
}

/** The sample's file name, as the page labels it. */
export function sampleName(fixture: string): string {
  return fixture.split('/').pop() ?? fixture;
}

/**
 * The blurry-image dilemma preset: photos of two different people, both blurred by
 * DILEMMA_BLUR_SIGMA_PX. Chosen on the faceres backbone among the fixture pairs as one where,
 * blurred, cosine called them the same person at the demo's FAR 1e-3 and MLS did not
 * (docs/RESULTS.md, "Browser demo"); with the dlib backbone neither score is fooled by it
 * (the browser e2e test prints both verdicts).
 */
export const DILEMMA_PAIR = ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'Adrien_Brody/Adrien_Brody_0001.jpg'] as const;

/** Blur σ (px) of both photos in the dilemma preset: a slider position (BLUR_SIGMAS_PX). */
export const DILEMMA_BLUR_SIGMA_PX = 3;
