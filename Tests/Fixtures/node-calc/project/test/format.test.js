const { test } = require('node:test');
const assert = require('node:assert');
const { add } = require('../calc');

// The same name as a test in calc.test.js: ids keep the file, so the two stay apart.
test('adds two numbers', () => {
  assert.strictEqual(String(add(1, 1)), '2');
});
