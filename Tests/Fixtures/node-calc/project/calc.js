function add(a, b) {
  return a + b;
}

function divide(a, b) {
  // The bug: multiplies instead of dividing.
  return a * b;
}

module.exports = { add, divide };
