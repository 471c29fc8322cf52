"""Risk detection: a spaCy rule layer (``detector``) over word lists in ``data/safety/``,
the Rasa component that combines it with the trained classifier (``component``), and the
figures that show how well it works (``evaluate``, ``bot safety eval``)."""
