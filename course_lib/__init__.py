"""Reference implementations for the course on regularization and optimization.

Plain numpy in float64; every algorithm cites the lecture-note seed it comes from.
"""

from course_lib._validation import CourseLibError

__all__ = ["CourseLibError"]
__version__ = "0.1.0"
