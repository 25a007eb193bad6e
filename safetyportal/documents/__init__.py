"""The documents engine: numbered, verifiable PDFs rendered by the Celery worker.

Shared infrastructure: it knows nothing of campaigns or hazards. An app registers a *builder* for a document kind
(``registry.register_builder``) that turns the document's source object into a template name and a context; the
engine allocates numbers, renders with WeasyPrint through a fetcher that reaches only the project's own files, stores
the PDF with its SHA-256 and serves the public verification page.
"""
