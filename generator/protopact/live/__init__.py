"""Commands that keep running while ``.proto`` files are edited: ``lint --watch``, ``docs --serve``."""
