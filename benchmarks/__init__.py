"""Benchmarks, one module per topic (see benchmarks/README.md).

``make bench`` / ``.venv/bin/python -m benchmarks`` runs the documents benchmarks (``benchmarks.documents``): its own
throwaway SQLite database, broker folders and media in a temporary directory, one table, a non-zero exit when a
target is missed. Kept import-free: the cold-start measurement runs this package in a fresh process and must not pay
for anything a worker would not."""
