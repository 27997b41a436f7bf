"""Read marks and stars that are never lost: one SQLite file for every archive.

Where
    ``state.sqlite3`` in :func:`newsreader.locations.data_dir` (``$NEWSREADER_DATA_DIR``
    overrides it). The file and its folder are created by the first mark, not by opening:
    ``newsreader list --unread`` on a machine with no marks leaves no trace.

Durable
    The database runs in WAL mode with ``synchronous=FULL``: every write method commits one
    transaction and the WAL is fsynced before it returns, so a change the caller was allowed
    to show as done survives SIGKILL (and a power cut, where the disk honours fsync). A change
    to many posts (mark all read) is one transaction: all of it or none of it.

Two readers at once
    Each write takes SQLite's write lock (``BEGIN IMMEDIATE``, waiting up to
    :data:`BUSY_TIMEOUT_S`), reloads the rows another process committed meanwhile (``PRAGMA
    data_version`` tells), and writes whole rows computed from that fresh view, so one reader
    starring a post never undoes another reader marking it read. Readers see each other's
    marks at their next query. WAL needs a local file system (not NFS or SMB).

Keys
    Marks of all archives share one table, keyed by (archive key, post id). The archive key is
    :func:`archive_key`: the name given to the folder under ``[archives]`` in the settings,
    else the folder's own name, so moving the folder or cloning it afresh keeps its marks.
    Its limits: renaming the folder loses the link until the old name is given to the new
    folder in the settings; two unrelated archives in folders of one name and without a
    configured name share marks (their post ids rarely collide). The post id is the path
    relative to the archive root. A mark is found again by, in order:

    1. the post's id, unless the stored row and the post both carry a source address and
       they differ (the path now holds another article);
    2. the post's ``source_url`` (exact text), the most recently changed row first;
    3. its title and date (the date as written, to the minute, ``YYYY-MM-DDTHH:MM``).

    A mark found by 2 or 3 (a renamed file) is used as it is; the first change to that post
    writes a row under its new id, carrying the other flag along. Posts that share a source
    address (one article filed twice) share the mark found by address until one gets its own.

Undo
    :meth:`ReadingState.set_read` returns an :class:`UndoToken` naming the posts it changed and
    their previous value; :meth:`ReadingState.undo` writes those values back (a new change).

Export and import (merge)
    :meth:`ReadingState.export` gives every mark of the archive as JSON-ready data;
    :meth:`ReadingState.import_` merges such data into this store's archive, whatever archive
    it came from. Each flag remembers when it last changed; per post and per flag the later
    change wins, and on a tie the flag stays set. So marks are OR-ed, and an unmark wins only
    when it is newer than the mark it meets.

Failures
    Opening never raises. A damaged file is moved aside to
    ``state.sqlite3.corrupt-<timestamp>`` (its ``-wal`` beside it) and a new one is started; a
    file that cannot be opened leaves the store empty. Either way :attr:`ReadingState.notices`
    says so, naming the files. A write that fails (disk full, read-only folder, lock held too
    long) raises :class:`StateError` with a message to show as it is, and the store's view
    stays what the file holds: nothing is shown as saved that was not.

The parts: :mod:`~newsreader.state.store` (the store and its SQLite connection),
:mod:`~newsreader.state.marks` (the rows in memory and the matching of a post to its mark),
:mod:`~newsreader.state.exchange` (export, import, the merge rule),
:mod:`~newsreader.state.salvage` (damage detection and recovery),
:mod:`~newsreader.state.schema` (the table) and :mod:`~newsreader.state.errors`.
"""

from newsreader.state.errors import StateError
from newsreader.state.exchange import EXPORT_FORMAT, ImportResult
from newsreader.state.store import (
    BUSY_TIMEOUT_S,
    STATE_FILE_NAME,
    ReadingState,
    UndoToken,
    archive_key,
)

__all__ = [
    "BUSY_TIMEOUT_S",
    "EXPORT_FORMAT",
    "STATE_FILE_NAME",
    "ImportResult",
    "ReadingState",
    "StateError",
    "UndoToken",
    "archive_key",
]
