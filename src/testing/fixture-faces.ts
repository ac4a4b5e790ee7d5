/**
 * Test helper (face tests and the detector/backbone benchmarks): the LFW fixture
 * images in fixtures/lfw/images with their MTCNN landmarks from
 * fixtures/lfw/ldmark_lfw_mtcnncaffe.txt (scaled ×0.6 to the 150×150 frame).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fixturePath } from './paths.js';
import { decodeImage } from '../face/image/decode.js';
import { loadLfwLandmarks } from '../face/landmarks-file/lfw-landmarks.js';
import type { FiveLandmarks, RgbImage } from '../face/types.js';

/** One fixture face. */
export interface FixtureFace {
  /** `Person/Person_NNNN.jpg`, as in the landmark file. */
  readonly name: string;
  readonly person: string;
  readonly image: RgbImage;
  /** MTCNN landmarks in the 150×150 image's pixels. */
  readonly mtcnn: FiveLandmarks;
}

/** The fixture faces, or a reason string when the fixtures are missing (tests then skip). */
export async function loadFixtureFaces(): Promise<FixtureFace[] | string> {
  const imagesDir = fixturePath('lfw', 'images');
  const landmarkFile = fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt');
  if (!existsSync(imagesDir) || !existsSync(landmarkFile)) return `LFW fixtures missing (${imagesDir}, ${landmarkFile})`;
  const landmarks = await loadLfwLandmarks(landmarkFile);
  const faces: FixtureFace[] = [];
  for (const person of (await readdir(imagesDir)).sort()) {
    for (const file of (await readdir(path.join(imagesDir, person))).sort()) {
      const name = `${person}/${file}`;
      const mtcnn = landmarks.get(name);
      if (mtcnn === undefined) continue;
      faces.push({ name, person, image: await decodeImage(path.join(imagesDir, person, file)), mtcnn });
    }
  }
  return faces.length > 0 ? faces : `no fixture image under ${imagesDir} has landmarks in ${landmarkFile}`;
}
