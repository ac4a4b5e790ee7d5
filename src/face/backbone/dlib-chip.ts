/**
 * The crop geometry of dlib's face-recognition ResNet: a 150×150 "face chip".
 *
 * dlib cuts the chip with `get_face_chip_details(landmarks, 150, 0.25)` (its Python
 * binding, tools/python/src/face_recognition.cpp): a similarity transform taking the face's
 * landmarks onto dlib's mean face shape (its 68-point path: the mean positions of points
 * 17..67 in the unit square, `mean_face_shape_x/_y` in get_face_chip_details,
 * dlib/image_transforms/interpolation.h), padded by 0.25 of the face size on each side:
 * chip = (0.25 + mean) / 1.5 · 150. The targets below are that mean face reduced to our
 * five points — eye centres = mean of the six eye-contour points 36..41 / 42..47, nose tip
 * = point 30, mouth corners = points 48 and 54 — e.g. nose tip (0.25 + 0.490127)/1.5·150 =
 * 74.01, (0.25 + 0.515625)/1.5·150 = 76.56. (Measured by a colleague; re-derived here from
 * the table for the nose, mouth corners and image-left eye.) Fitted by least squares and
 * warped bilinearly (`alignFaceTo`), they give the chip dlib's 68-point path would cut, up
 * to the MTCNN-vs-dlib landmark differences.
 */
import type { CropTemplate } from '../align/align.js';

/** Side of dlib's face chip and input of its ResNet (input_rgb_image_sized<150>). */
export const DLIB_CHIP_SIZE = 150;

/**
 * dlib's chip template (150×150, padding 0.25) in FiveLandmarks order: image-left eye,
 * image-right eye, nose tip, image-left mouth corner, image-right mouth corner.
 */
export const DLIB_CHIP_TEMPLATE: CropTemplate = {
  size: DLIB_CHIP_SIZE,
  points: [
    { x: 47.55, y: 46.6 },
    { x: 100.48, y: 46.6 },
    { x: 74.01, y: 76.56 },
    { x: 50.41, y: 103.02 },
    { x: 97.61, y: 103.02 },
  ],
};
