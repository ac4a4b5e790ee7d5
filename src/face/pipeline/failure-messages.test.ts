import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError, type PfeErrorCode } from '../../core/errors.js';
import { describeFailure, faceCountNote, failureMessage } from './failure-messages.js';

describe('failureMessage', () => {
  it('names the file and says what to do, per code', () => {
    assert.match(failureMessage('NO_FACE', 'a.jpg', 'no face found in a.jpg'), /^No face was found in a\.jpg\. Use a photo/);
    assert.match(failureMessage('IMAGE_DECODE_FAILED', 'x.jpg', 'bad huffman'), /^x\.jpg could not be read as an image/);
    assert.match(failureMessage('UNSUPPORTED_FORMAT', 'x.gif', ''), /^x\.gif is not a JPEG, PNG or WebP image\.$/);
    assert.match(failureMessage('IMAGE_TOO_LARGE', 'big.jpg', '9000×9000 pixels'), /big\.jpg is too large .*9000×9000 pixels.*Scale it down/);
    assert.match(failureMessage('MODEL_LOAD_FAILED', 'a.jpg', 'HTTP 404'), /models could not be loaded \(HTTP 404\)/);
  });
  it('gives distinct messages for the distinct user-facing failures', () => {
    const codes: PfeErrorCode[] = ['NO_FACE', 'IMAGE_DECODE_FAILED', 'UNSUPPORTED_FORMAT', 'IMAGE_TOO_LARGE', 'MODEL_LOAD_FAILED'];
    const messages = new Set(codes.map((c) => failureMessage(c, 'f.jpg', 'r')));
    assert.equal(messages.size, codes.length);
  });
  it('falls back to the technical reason for other codes', () => {
    assert.equal(failureMessage('NON_FINITE', 'f.jpg', 'NaN in row 3'), 'f.jpg could not be processed: NaN in row 3');
  });
});

describe('faceCountNote', () => {
  it('is empty for one face or given landmarks, and counts several faces', () => {
    assert.equal(faceCountNote(1), '');
    assert.equal(faceCountNote(null), '');
    assert.equal(faceCountNote(3), '3 faces were found; the largest one is used.');
  });
});

describe('describeFailure', () => {
  it('words a PfeError by its code, with the reason from its details when there is one', () => {
    const tooLarge = new PfeError('IMAGE_TOO_LARGE', 'big.jpg: the image is 9000×9000', { reason: '9000×9000 pixels' });
    assert.equal(describeFailure(tooLarge, 'big.jpg'), failureMessage('IMAGE_TOO_LARGE', 'big.jpg', '9000×9000 pixels'));
    const noDetails = new PfeError('NON_FINITE', 'NaN in row 3');
    assert.equal(describeFailure(noDetails, 'f.jpg'), 'f.jpg could not be processed: NaN in row 3');
  });
  it('passes any other error’s message through', () => {
    assert.equal(describeFailure(new TypeError('fetch failed'), 'a.jpg'), 'fetch failed');
    assert.equal(describeFailure('plain string', 'a.jpg'), 'plain string');
  });
});
