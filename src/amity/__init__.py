"""amity: a local-first, conversation-first social media workspace."""

__version__ = "0.1.0"
