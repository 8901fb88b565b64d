"""A tiny calculator: the fixture project for `fixloop verify`."""
