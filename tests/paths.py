"""Where the tests find the repository, the shared seeds and corpus, and the bundled sample."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
SAMPLE = REPO / "data" / "sample"
