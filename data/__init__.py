"""Shipped defaults: policy.toml, codes.toml and holidays/<year>.toml.

This folder stays at the repository's top level and is installed as the
package ``fupin_tui.data`` (pyproject: ``package-dir`` + ``package-data``).
Read it only through ``fupin_tui.config.shipped_data()``.
"""
