"""Turning templates into rendered pages and the book.

``execute`` runs one notebook with Papermill; ``normalise`` makes its bytes depend only
on its inputs; ``book`` builds the Jupyter Book. Heavy imports happen inside functions.
"""
