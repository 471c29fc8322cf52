"""Our Rasa NLU components and the ``bot analyse`` command that uses a trained model."""
