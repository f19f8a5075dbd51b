"""Briefing material built from the same data as the app: the tour, the PDF handout and the static site."""
