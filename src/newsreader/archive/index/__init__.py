"""The on-disk index of an archive: a cache of every post's metadata and text, and search.

Opening a 100,000-post archive must not parse 100,000 files, and a search must not read them.
The index keeps, in one SQLite file per archive root (``<cache dir>/index/index-<hash of the
resolved root>.sqlite3``, see :func:`newsreader.locations.cache_dir`), every file's size and
modification time, the post the loader made of it (metadata only) and the problems met; the
posts' search texts are in trigram full-text tables split between shard files beside it
(``<index file>.text<n>``, one per core, see :mod:`.texts`). It is a cache: deleting it loses
nothing.

API::

    index = ArchiveIndex.open(root, options)     # never raises because of the index file
    index.notices                                # what went wrong with it (rebuilt, temporary)
    posts = index.posts()                        # all posts, newest first, body "" (fast)
    first, total = index.newest(300)             # the newest 300 and the count (instant)
    result = index.refresh(progress, cancelled)  # stat every file, parse only what changed
    index.folders_unchanged()                    # no file added or deleted since (cheap)
    result.added, result.changed, result.removed # post ids, relative to the caller's list
    index.posts(result.added + result.changed)   # just those posts
    index.search(SearchTerms.parse('北京 "a b" -c'))  # -> set of post ids
    index.problems(), index.skipped()            # as Archive.problems / Archive.skipped
    index.save_snapshot()                        # rows for a fast next start (close does it)
    index.refresh_unless_unchanged()             # refresh only if a folder changed (a command)
    matching_posts(index, Filter(...), limit=20) # answers from SQL alone (see .lookup)
    index.close()                                # or: with ArchiveIndex.open(...) as index:

``refresh`` is the only method that reads post files. On an empty index it is the cold build:
files are parsed in a pool of worker processes and written in batches, the texts of each
shard by a process of its own, so the full-text work (most of a build) uses every core; a
cancelled or interrupted build keeps what it committed and the next refresh goes on from
there, its shards exactly in step with its entries. A refresh with
nothing to do costs one ``stat`` per file. Its result is relative to the caller's view: the
list the last full ``posts()`` returned (or, before any, what the index held) plus every
refresh result since, so the caller can apply it to its ``Archive`` as is, even when another
program sharing the index read (or rebuilt) some of it; such rows are taken, not re-parsed.

The modules: :mod:`.archive_index` (the class), :mod:`.sql` (every SQL text), :mod:`.store`
(the file, its schema and transactions), :mod:`.entries` (the table read and written),
:mod:`.texts` (the full-text shards), :mod:`.shard_processes` (the processes writing them),
:mod:`.batches` (a refresh's writes),
:mod:`.rows` (files to rows, rows to posts), :mod:`.workers` (parsing processes),
:mod:`.result` (what a refresh reports), :mod:`.search` (full-text queries) and
:mod:`.snapshot` (the warm-start copy of the rows). Callers outside the package import from
the package itself only.

``posts()`` gives metadata only: ``body`` is ``""`` and ``extra`` empty, to keep 100,000 posts
small and quick to build; the reader loads the post it opens with
:func:`~newsreader.archive.loader.load_post`. Calls may come from different threads: a refresh
(one at a time) writes on its own connection while ``posts``/``search`` read the last
committed state on another. The pool uses the ``spawn`` start method, so a program that
refreshes a large archive must guard its main module (``if __name__ == "__main__":``).

Whatever is wrong with the index file or a shard (made by another schema version or with
other load options, damaged, missing, unreadable, locked beyond the busy timeout, in a folder
that cannot be written) ends in a rebuilt or temporary index and a notice in
:attr:`ArchiveIndex.notices` and the next :class:`RefreshResult`, never in an exception.
"""

from newsreader.archive.index.archive_index import (
    DEFAULT_BUSY_TIMEOUT,
    ArchiveIndex,
    RefreshResult,
    default_index_dir,
)
from newsreader.archive.index.lookup import (
    CategorySummary,
    category_summary,
    count_matching,
    has_posts,
    linked_post,
    matching_posts,
    post_ids,
)
from newsreader.archive.index.workers import prepare_workers

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "ArchiveIndex",
    "CategorySummary",
    "RefreshResult",
    "category_summary",
    "count_matching",
    "default_index_dir",
    "has_posts",
    "linked_post",
    "matching_posts",
    "post_ids",
    "prepare_workers",
]
