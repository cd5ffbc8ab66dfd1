"""Checks layer: lint rules over one Image, breaking rules over a pair, applied the way buf applies them.

Rules never read config. They yield :class:`~protopact.checks.findings.Finding` s; selection
(``use``/``except``), ignores and output formats are applied centrally by the engine.
"""
