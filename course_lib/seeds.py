"""The five lecture-note files the course is built from (``shared/seeds/``).

Docstrings across course_lib cite a seed by its number ("seed 002") and the heading of
the slide or section, so a reader can find the formula; this table says which file each
number is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Seed:
    number: str
    file: str
    title: str
    origin: str


SEEDS: dict[str, Seed] = {
    s.number: s
    for s in (
        Seed("000", "000_5706ef904043657c.txt",
             "Regularization, Gradient Descent with Momentum, RMSprop, Adam",
             "slides after Andrew Ng's Coursera course, December 2021"),
        Seed("001", "001_4053c0781089a90f.txt",
             "Deep Learning Regularization and Optimization",
             "slides after Goodfellow, Bengio and Courville, ch. 7-8 (E. Fatemizadeh, 2021)"),
        Seed("002", "002_a32fa2ef93e90666.txt",
             "Deep Learning Module 3: Optimization",
             "BITS Pilani slides after Dive into Deep Learning"),
        Seed("003", "003_d0f63c8e94e6f109.txt",
             "CPEN 455 Deep Learning, Lecture 4: Backpropagation II",
             "Renjie Liao, University of British Columbia, 2024"),
        Seed("004", "004_1c03ff2b3c022780.txt",
             "COMP4211 Machine Learning",
             "revision notes (HKUST course)"),
    )
}


def seed_path(number: str, root: Path | None = None) -> Path:
    """Where seed ``number`` lives: ``shared/seeds`` beside the repository by default."""
    seed = SEEDS[number]
    root = root or Path(__file__).resolve().parents[2] / "shared" / "seeds"
    return root / seed.file
