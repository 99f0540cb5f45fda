"""The instructor side of the course: release, validate and bulk-grade with nbgrader.

    python -m autograder release [--assignment ID]
    python -m autograder validate
    python -m autograder grade SUBMISSIONS --out DIR [--workers N] [--assignment ID]

See README.md in this folder. The package's own folder is the nbgrader course root
(nbgrader_config.py, source/<id>/<id>.ipynb).
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
