"""Compare full-text engines for the index on the same posts, in one run, and print a table.

Usage::

    python benchmarks/search_engines.py [--posts 20000] [--keep DIR] [--only NAME,...]

An archive of ``--posts`` posts is generated with ``generate_archive.py`` (under ``--keep DIR``,
reused next time), parsed once the way the index parses it (its search texts, with the
sentinel), and given to every engine. Each builds its index in a new folder and answers the
same queries; a query's answer must equal a plain scan's (``SearchTerms.matches`` over every
text), which the ``exact`` column checks. Columns: build wall and CPU seconds (CPU counts every
thread of this process), index size, and the median of 5 timings of each query.

Engines whose index cannot say where a long term occurs (``detail=none``, n-gram terms without
positions) find candidates (posts holding all of a term's trigrams) and keep those whose text
holds the term, read back from the index's own copy of the texts: that check is in the time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from generate_archive import generate_archive
from rich.console import Console
from rich.table import Table

from newsreader.archive import LoadOptions, SearchTerms
from newsreader.archive.index.rows import SENTINEL
from newsreader.archive.index.search import match_expression
from newsreader.archive.index.workers import parsed_batches
from newsreader.archive.scan import scan

QUERIES = {
    "1-char": "港",
    "2-char": "合作",
    "4-char": "市场信心",
    "English": "market",
    "all words": "北京 合作 增长",
    "phrase": '"the central bank"',
    "-word": "-market",
}
RUNS = 5


class Engine(Protocol):
    """One way to index the texts and answer a search."""

    name: str

    def build(self, folder: Path, texts: list[str]) -> None:
        """Index ``texts`` (rowid = position + 1) in ``folder``."""

    def search(self, terms: SearchTerms) -> set[int]:
        """The rowids of the texts matching ``terms``."""


def _trigrams(term: str) -> list[str]:
    return [term[i : i + 3] for i in range(len(term) - 2)] or [term]


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _combine(
    terms: SearchTerms, exact: Callable[[str], set[int]], every: Callable[[], set[int]]
) -> set[int]:
    """Required terms intersected, excluded ones taken away, from each term's exact posts."""
    found: set[int] | None = None
    for term in terms.required:
        posts = exact(term)
        found = posts if found is None else found & posts
        if not found:
            return set()
    result = found if found is not None else every()
    for term in terms.excluded:
        result = result - exact(term)
    return result


class Fts5:
    """An FTS5 table over the texts, as the index keeps it today unless told otherwise."""

    def __init__(
        self,
        name: str,
        options: str = "tokenize = 'trigram case_sensitive 1', detail = full",
        *,
        batch: int = 2000,
        leaf: bool = True,
        optimize: bool = False,
        phrases: bool = True,
        hashsize: int = 67108864,
        automerge: int = 12,
    ) -> None:
        self.name = name
        self.options = options
        self.batch = batch
        self.leaf = leaf
        self.optimize = optimize
        self.phrases = phrases
        self.hashsize = hashsize
        self.automerge = automerge
        self.db: sqlite3.Connection | None = None

    def build(self, folder: Path, texts: list[str]) -> None:
        db = sqlite3.connect(folder / "index.sqlite3", isolation_level=None)
        db.execute("PRAGMA page_size = 32768")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA cache_size = -65536")
        db.execute(f"CREATE VIRTUAL TABLE fts USING fts5(text, {self.options})")
        db.execute("CREATE VIRTUAL TABLE fts_terms USING fts5vocab(fts, 'row')")
        db.execute("INSERT INTO fts(fts, rank) VALUES ('hashsize', ?)", (self.hashsize,))
        db.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', ?)", (self.automerge,))
        if self.leaf:
            db.execute("INSERT INTO fts(fts, rank) VALUES ('pgsz', 32000)")
        for start in range(0, len(texts), self.batch):
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO fts(rowid, text) VALUES (?, ?)",
                ((start + n, text) for n, text in enumerate(texts[start : start + self.batch], 1)),
            )
            db.execute("COMMIT")
        if self.optimize:
            db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        self.db = db

    def search(self, terms: SearchTerms) -> set[int]:
        assert self.db is not None
        db = self.db
        if self.phrases:
            expression = match_expression(db, terms)
            if expression is None:
                return set()
            required, excluded = expression
            if required:
                where = f"({required}) NOT ({excluded})" if excluded else required
                return {
                    r for (r,) in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (where,))
                }
            every = {r for (r,) in db.execute("SELECT rowid FROM fts")}
            if not excluded:
                return every
            found = db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (excluded,))
            return every - {r for (r,) in found}
        return _combine(
            terms, self._exact, lambda: {r for (r,) in db.execute("SELECT rowid FROM fts")}
        )

    def _exact(self, term: str) -> set[int]:
        """Posts holding ``term``: by its trigrams, then (4+ characters) their texts checked."""
        assert self.db is not None
        expression = match_expression(self.db, SearchTerms((term,)))
        if expression is None:
            return set()
        if len(term) <= 3:
            query = "SELECT rowid FROM fts WHERE fts MATCH ?"
            return {r for (r,) in self.db.execute(query, (expression[0],))}
        where = " AND ".join(_quoted(t) for t in _trigrams(term))
        rows = self.db.execute("SELECT rowid, text FROM fts WHERE fts MATCH ?", (where,))
        return {rowid for rowid, text in rows if term in text}


class UnicodeBigram:
    """FTS5 ``unicode61`` words, plus CJK characters and bigrams in columns of their own.

    Exact for Chinese (a CJK term is a phrase of bigrams, checked against the text); a
    non-CJK term is a word prefix, so it misses a word found inside another (``market`` in
    ``supermarkets``): not the substring search users have.
    """

    name = "FTS5 unicode61 + CJK bigrams"

    def __init__(self) -> None:
        self.db: sqlite3.Connection | None = None

    @staticmethod
    def _cjk(text: str) -> tuple[str, str]:
        runs: list[str] = []
        run: list[str] = []
        for char in text:
            if "\u4e00" <= char <= "\u9fff":
                run.append(char)
            elif run:
                runs.append("".join(run))
                run = []
        if run:
            runs.append("".join(run))
        unigrams = " ".join(" ".join(r) for r in runs)
        bigrams = " ".join(" ".join(r[i : i + 2] for i in range(len(r) - 1)) for r in runs)
        return unigrams, bigrams

    def build(self, folder: Path, texts: list[str]) -> None:
        db = sqlite3.connect(folder / "index.sqlite3", isolation_level=None)
        db.execute("PRAGMA page_size = 32768")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("CREATE VIRTUAL TABLE fts USING fts5(text, uni, bi, tokenize = 'unicode61')")
        db.execute("INSERT INTO fts(fts, rank) VALUES ('hashsize', 67108864)")
        for start in range(0, len(texts), 2000):
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO fts(rowid, text, uni, bi) VALUES (?, ?, ?, ?)",
                (
                    (start + n, text, *self._cjk(text))
                    for n, text in enumerate(texts[start : start + 2000], 1)
                ),
            )
            db.execute("COMMIT")
        self.db = db

    def search(self, terms: SearchTerms) -> set[int]:
        assert self.db is not None
        db = self.db
        return _combine(
            terms, self._exact, lambda: {r for (r,) in db.execute("SELECT rowid FROM fts")}
        )

    def _exact(self, term: str) -> set[int]:
        assert self.db is not None
        uni, bi = self._cjk(term)
        if uni and len(term) == 1:
            where = "uni : " + _quoted(term)
        elif bi and bi.replace(" ", "") and len(uni.replace(" ", "")) == len(term):
            where = "bi : " + _quoted(bi)
        else:
            words = " ".join(_quoted(w) + "*" for w in term.split())
            where = "text : (" + words + ")" if words else ""
        if not where:
            return set()
        rows = self.db.execute("SELECT rowid, text FROM fts WHERE fts MATCH ?", (where,))
        return {rowid for rowid, text in rows if term in text}


class Tantivy:
    """tantivy (Rust), every 1-, 2- and 3-character n-gram a term (documents only, no
    positions), built by several threads; texts kept in SQLite for the check of long terms."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.name = f"tantivy n-gram 1-3, {threads} threads"
        self.index: Any = None
        self.db: sqlite3.Connection | None = None

    def build(self, folder: Path, texts: list[str]) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_unsigned_field("rowid", stored=False, fast=True, indexed=True)
        builder.add_text_field("text", tokenizer_name="ngram13", index_option="basic")
        schema = builder.build()
        (folder / "tantivy").mkdir()
        index = tantivy.Index(schema, path=str(folder / "tantivy"))
        index.register_tokenizer(
            "ngram13", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(1, 3, False)).build()
        )
        writer = index.writer(heap_size=400_000_000, num_threads=self.threads)
        for rowid, text in enumerate(texts, 1):
            document = tantivy.Document()
            document.add_unsigned("rowid", rowid)
            document.add_text("text", text)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        db = sqlite3.connect(folder / "texts.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE texts(rowid INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        db.execute("BEGIN")
        db.executemany("INSERT INTO texts VALUES (?, ?)", enumerate(texts, 1))
        db.execute("COMMIT")
        self.index, self.schema, self.db, self.tantivy = index, schema, db, tantivy
        self.count = len(texts)

    def _ids(self, query: Any) -> set[int]:
        # Ordered by the rowid fast field, each hit comes with its rowid.
        searcher = self.index.searcher()
        hits = searcher.search(query, limit=max(self.count, 1), count=False, order_by_field="rowid")
        return {int(rowid) for rowid, _ in hits.hits}

    def search(self, terms: SearchTerms) -> set[int]:
        return _combine(terms, self._exact, lambda: set(range(1, self.count + 1)))

    def _exact(self, term: str) -> set[int]:
        t = self.tantivy
        grams = [term] if len(term) <= 3 else _trigrams(term)
        queries = [t.Query.term_query(self.schema, "text", gram) for gram in grams]
        query = (
            queries[0]
            if len(queries) == 1
            else t.Query.boolean_query([(t.Occur.Must, q) for q in queries])
        )
        found = self._ids(query)
        if len(term) <= 3 or not found:
            return found
        assert self.db is not None
        ids = sorted(found)
        kept: set[int] = set()
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(f"SELECT rowid, text FROM texts WHERE rowid IN ({marks})", part)
            kept.update(rowid for rowid, text in rows if term in text)
        return kept


ENGINES: dict[str, Callable[[], Engine]] = {
    "today": lambda: Fts5("FTS5 trigram, detail=full (today)"),
    "columnsize": lambda: Fts5(
        "FTS5 trigram, full, columnsize=0",
        "tokenize = 'trigram case_sensitive 1', detail = full, columnsize = 0",
    ),
    "onebatch": lambda: Fts5("FTS5 trigram, full, one transaction", batch=10**9),
    "optimize": lambda: Fts5("FTS5 trigram, full, + optimize", optimize=True),
    "nomerge": lambda: Fts5("FTS5 trigram, full, automerge=0", automerge=0),
    "bighash": lambda: Fts5("FTS5 trigram, full, hashsize=256 MB", hashsize=268435456),
    "column": lambda: Fts5(
        "FTS5 trigram, detail=column",
        "tokenize = 'trigram case_sensitive 1', detail = column",
        phrases=False,
    ),
    "none": lambda: Fts5(
        "FTS5 trigram, detail=none (+check)",
        "tokenize = 'trigram case_sensitive 1', detail = none, columnsize = 0",
        phrases=False,
    ),
    "bigram": UnicodeBigram,
    "tantivy1": lambda: Tantivy(1),
    "tantivy2": lambda: Tantivy(2),
}


def _texts(root: Path, console: Console) -> list[str]:
    found = scan(root)
    todo = sorted(found.files.items())
    texts: list[str] = []
    for batch in parsed_batches(
        root, LoadOptions(tz=ZoneInfo("Asia/Shanghai")), todo, None, console.log
    ):
        texts.extend(parsed.text for parsed in batch if parsed.text is not None)
    return texts


def _median(function: Callable[[], object]) -> float:
    function()
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv: Sequence[str] | None = None) -> int:
    """Build every engine on the same texts and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="generate the archive here and reuse it")
    parser.add_argument(
        "--only", default="", help="comma-separated engine keys: " + ",".join(ENGINES)
    )
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    keys = [key for key in args.only.split(",") if key] or list(ENGINES)
    with tempfile.TemporaryDirectory(prefix="newsreader-engines-") as scratch:
        root = (args.keep or Path(scratch)) / f"engines-{args.posts}"
        if not (root / "_posts").is_dir():
            generate_archive(root, posts=args.posts)
        texts = _texts(root, console)
        plain = [text.removesuffix(SENTINEL) for text in texts]
        parsed = {label: SearchTerms.parse(query) for label, query in QUERIES.items()}
        truth = {
            label: {n for n, text in enumerate(plain, 1) if terms.matches(text)}
            for label, terms in parsed.items()
        }
        scan_ms = {
            label: 1000 * _median(lambda t=terms: [t.matches(x) for x in plain])
            for label, terms in parsed.items()
        }
        table = Table(title=f"{len(texts):,} posts, {sum(map(len, texts)):,} characters of text")
        for column in ("engine", "build s", "CPU s", "MB", *(f"{k} ms" for k in QUERIES), "exact"):
            table.add_column(column, justify="left" if column == "engine" else "right")
        table.add_row(
            "plain scan (Python `in`)", "", "", "", *(f"{scan_ms[k]:.0f}" for k in QUERIES), "yes"
        )
        for key in keys:
            engine = ENGINES[key]()
            folder = Path(scratch) / key
            folder.mkdir()
            console.log(f"{engine.name}…")
            wall, cpu = time.perf_counter(), time.process_time()
            engine.build(folder, texts)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            answers = {label: engine.search(terms) for label, terms in parsed.items()}
            wrong = [label for label in QUERIES if answers[label] != truth[label]]
            times = {
                label: 1000 * _median(partial(engine.search, terms))
                for label, terms in parsed.items()
            }
            table.add_row(
                engine.name,
                f"{wall:.1f}",
                f"{cpu:.1f}",
                f"{_size(folder) / 1e6:.0f}",
                *(f"{times[k]:.0f}" for k in QUERIES),
                "yes" if not wrong else "no: " + ", ".join(wrong),
            )
            console.log(f"  {wall:.1f} s")
            del engine
            shutil.rmtree(folder, ignore_errors=True)
    Console(width=220).print(table)
    hits = ", ".join(f"{k} {len(v):,}" for k, v in truth.items())
    load = os.getloadavg()
    print(
        f"hits: {hits}\n{os.cpu_count()} CPUs,"
        f" load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
