"""The ``quizzer`` command line: a thin translation layer over the library.

Commands are loaded lazily (each lives in its own module and is imported only when run), so
``quizzer --help`` stays as fast as importing click itself.
"""

from quizzer.cli.main import cli, main

__all__ = ["cli", "main"]
