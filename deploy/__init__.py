"""Running several instances of the app behind nginx (``python -m deploy.cluster``)."""
