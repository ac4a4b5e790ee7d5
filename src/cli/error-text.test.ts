import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliErrorText } from './error-text.js';

const mainJs = fileURLToPath(new URL('./main.js', import.meta.url));

describe('cliErrorText', () => {
  it("drops Node's second copy of a path the message already names, and says ENOENT in words", () => {
    assert.equal(
      cliErrorText("cannot read image file a/x.jpg: ENOENT: no such file or directory, open 'a/x.jpg'"),
      'cannot read image file a/x.jpg: no such file or folder',
    );
    assert.equal(cliErrorText("cannot read landmark file lm.txt: EACCES: permission denied, open 'lm.txt'"), 'cannot read landmark file lm.txt: permission denied');
  });

  it('keeps a path the message does not name otherwise, and other messages as they are', () => {
    const only = "cannot read model: ENOENT: no such file or directory, open '/m/model.json'";
    assert.equal(cliErrorText(only), only);
    assert.equal(cliErrorText('a.jpg is not an image: it is no JPEG, PNG or WebP file, or it is damaged'), 'a.jpg is not an image: it is no JPEG, PNG or WebP file, or it is damaged');
  });

  it('is what pfe prints: a missing input names its path once', () => {
    const r = spawnSync(process.execPath, [mainJs, 'degrade', '/nonexistent/photo.jpg', '--out', '/nonexistent/out.png', '--spec', 'blur:1'], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.split('/nonexistent/photo.jpg').length - 1, 1, r.stderr);
    assert.match(r.stderr, /no such file or folder/);
  });
});
