"""Front ends that write cards and exercises to files: Anki decks (``anki``) and exercise sheets (``sheet``).

Each submodule imports its heavy dependency (genanki, typst) only when it runs.
"""
