const { describe, it, test } = require('node:test');
const assert = require('node:assert');
const { add, divide } = require('../calc');

test('adds two numbers', () => {
  assert.strictEqual(add(2, 3), 5);
});

describe('divide', () => {
  it('six by two', () => {
    assert.strictEqual(divide(6, 2), 3);
  });
  it('by one', () => {
    assert.strictEqual(divide(5, 1), 5);
  });
  it.skip('by zero', () => {});
});
