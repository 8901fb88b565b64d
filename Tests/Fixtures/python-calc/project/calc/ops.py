def add(a, b):
    return a + b


def divide(a, b):
    # The bug: multiplies instead of dividing.
    return a * b


def clamp(x, low, high):
    return max(low, min(x, high))
