"""Allow ``python -m newsreader``."""

from newsreader.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
