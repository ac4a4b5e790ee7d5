import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPfeError } from '../../core/errors.js';
import { assertSameBackbone, BACKBONE_DESCRIPTIONS, BACKBONE_NAMES, backboneOptionHelp, DEFAULT_BACKBONE, parseBackboneName, resolveBackbone } from './names.js';

describe('backbone names', () => {
  it('describes every shipped backbone and defaults to one of them', () => {
    assert.ok((BACKBONE_NAMES as readonly string[]).includes(DEFAULT_BACKBONE));
    for (const name of BACKBONE_NAMES) {
      assert.equal(BACKBONE_DESCRIPTIONS[name].name, name);
      assert.ok(BACKBONE_DESCRIPTIONS[name].dim > 0);
      assert.ok(backboneOptionHelp('', 20).includes(`${name}: `));
    }
  });

  it('parses known names and names the choices for an unknown one', () => {
    for (const name of BACKBONE_NAMES) assert.equal(parseBackboneName(name), name);
    assert.throws(() => parseBackboneName('resnet100'), (e) => isPfeError(e, 'INVALID_ARGUMENT') && e.message.includes(BACKBONE_NAMES.join(', ')));
  });

  it('resolves the run backbone: named, else the head’s, else the default', () => {
    assert.equal(resolveBackbone(undefined), DEFAULT_BACKBONE);
    assert.equal(resolveBackbone(undefined, { backbone: 'faceres', what: 'head h' }), 'faceres');
    assert.equal(resolveBackbone('faceres', { backbone: 'faceres', what: 'head h' }), 'faceres');
    assert.throws(() => resolveBackbone('dlib', { backbone: 'faceres', what: 'head h.pfehead' }), (e) => isPfeError(e, 'BACKBONE_MISMATCH') && /head h\.pfehead/.test(e.message) && /faceres/.test(e.message));
    assert.throws(() => resolveBackbone(undefined, { backbone: 'synthetic', what: 'head s' }), (e) => isPfeError(e, 'BACKBONE_MISMATCH') && /synthetic/.test(e.message));
  });

  it('refuses to mix data of two backbones, naming both', () => {
    assertSameBackbone({ backbone: 'dlib', what: 'a' }, { backbone: 'dlib', what: 'b' });
    assert.throws(
      () => assertSameBackbone({ backbone: 'dlib', what: 'this run' }, { backbone: 'faceres', what: 'folder F' }),
      (e) => isPfeError(e, 'BACKBONE_MISMATCH') && /folder F/.test(e.message) && /'faceres'/.test(e.message) && /'dlib'/.test(e.message),
    );
  });
});
