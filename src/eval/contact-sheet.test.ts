import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contactSheetSvg, extremes } from './contact-sheet.js';

const png = 'data:image/png;base64,iVBORw0KGgo=';

describe('contactSheetSvg', () => {
  it('draws every tile with its caption and frame, escaped, sized to the widest row', () => {
    const svg = contactSheetSvg('Faces <by> σ²', [
      { title: 'row & one', tiles: [{ href: png, caption: 'a' }, { href: png, caption: 'b"', frame: '#d62728' }] },
      { title: 'row two', tiles: [{ href: png, caption: 'c' }] },
    ]);
    assert.equal((svg.match(/<image /g) ?? []).length, 3);
    assert.equal((svg.match(/stroke="#d62728"/g) ?? []).length, 1);
    assert.match(svg, /Faces &lt;by&gt; σ²/);
    assert.match(svg, /row &amp; one/);
    assert.match(svg, /b&quot;/);
    // 2 columns of 75 + 6 px plus 2 × 10 px margins.
    assert.match(svg, /^<svg [^>]*width="182"/);
    assert.match(svg, /<\/svg>\n$/);
  });
  it('rejects tiles that are not data URIs and empty sheets', () => {
    assert.throws(() => contactSheetSvg('x', [{ title: 'r', tiles: [{ href: 'file.jpg', caption: '' }] }]), /data:image/);
    assert.throws(() => contactSheetSvg('x', []), /at least one row/);
  });
});

describe('extremes', () => {
  it('lowest ascending, highest descending, NaN skipped, ties by index', () => {
    const e = extremes([3, NaN, 1, 5, 1, 4], 2);
    assert.deepEqual(e.lowest, [2, 4]);
    assert.deepEqual(e.highest, [3, 5]);
  });
});
