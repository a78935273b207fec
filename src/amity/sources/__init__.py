"""Getting data in: one package per platform, each a pure parser.

A source module offers ``detect(container) -> bool`` and ``read(container) -> Iterator[Record]``.
``read`` yields the export's own account first (``Account(is_own=True)``), then accounts, posts and
interactions in any order, and a ``Problem`` for each item it had to skip. Sources never touch the
store; a whole-file failure raises ``SourceError``.
"""
