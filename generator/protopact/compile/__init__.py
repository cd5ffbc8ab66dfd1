"""Compile layer: inputs (directory, image file, git ref, generated package) become an :class:`Image`."""
