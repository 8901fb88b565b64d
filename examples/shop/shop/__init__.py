"""A tiny shop backend: carts, prices and discounts. Fixloop's bundled example product."""
