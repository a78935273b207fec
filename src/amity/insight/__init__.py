"""Analyses as pure, deterministic functions over records and columns of interactions.

Nothing here opens a store, reads a clock or draws an unseeded random number: the moment an
analysis looks from is always passed in as ``now``.
"""
