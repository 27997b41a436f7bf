"""newsreader: a terminal reader for Jekyll-style news archives."""

__version__ = "0.1.0"
