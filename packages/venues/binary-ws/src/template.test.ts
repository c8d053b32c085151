import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillTemplate, placeholderUses } from './template.js';

describe('request templates', () => {
  it('fills a whole-string placeholder with its typed value and a partial one as text', () => {
    const template = {
      op: 'trade',
      rid: '{{reqId}}',
      amount: '{{stake}}',
      memo: 'decision {{clientId}} on {{symbol}}',
      n: [1, null, true],
    };
    expect(fillTemplate(template, { reqId: 7, stake: 2.5, clientId: 'd-9', symbol: 'R_100' })).toEqual({
      op: 'trade',
      rid: 7,
      amount: 2.5,
      memo: 'decision d-9 on R_100',
      n: [1, null, true],
    });
  });

  it('lists every placeholder with where it sits', () => {
    expect(placeholderUses({ a: ['x', '{{symbol}}'], b: { c: '{{ token }}-{{reqId}}' } })).toEqual([
      { name: 'symbol', path: ['a', 1] },
      { name: ' token ', path: ['b', 'c'] },
      { name: 'reqId', path: ['b', 'c'] },
    ]);
  });

  it('throws a TypeError for a placeholder without a value (a bug: they are checked at load)', () => {
    expect(() => fillTemplate({ a: '{{contractId}}' }, {})).toThrow(TypeError);
  });

  it('keeps any token inside its own JSON string, whatever characters it holds', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (token, prefix) => {
        const safePrefix = prefix.replace(/[{}]/g, '');
        const frame = JSON.stringify(
          fillTemplate({ op: 'login', key: '{{token}}', note: `${safePrefix}{{token}}` }, { token }),
        );
        expect(JSON.parse(frame)).toEqual({ op: 'login', key: token, note: `${safePrefix}${token}` });
      }),
    );
  });
});
