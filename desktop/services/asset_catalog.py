"""The catalogue the Assets window shows, on the GUI thread: the cached snapshot at once, then a fresh one from the
platform in the background (catalog_cache.py does the fetching and the disk, on the engine).

Refreshes follow the connection: a new client (another profile, new credentials) fetches again. A refresh that fails
keeps the last good snapshot on screen and says why; nothing is lost.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.services import catalog_cache, heap
from desktop.services.catalog_cache import CatalogSnapshot

if TYPE_CHECKING:
    from desktop.services.connection import ConnectionService
    from desktop.services.engine import Bridge

log = logging.getLogger("desktop.services.asset_catalog")


class AssetCatalog(QObject):
    snapshot_changed = Signal(object)  # CatalogSnapshot
    refresh_failed = Signal(str)  # why the last refresh failed; the shown snapshot stays
    busy_changed = Signal(bool)

    def __init__(self, connection: ConnectionService, bridge: Bridge, data_dir: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.connection = connection
        self.bridge = bridge
        self.data_dir = data_dir
        self.snapshot = CatalogSnapshot()
        self.busy = False
        self._opened = False
        self._reading_cache = False
        self._generation = 0  # answers for an older profile or client are dropped
        connection.client_changed.connect(self._client_changed)

    @property
    def _profile(self) -> str:
        return self.connection.profile.key

    def open(self) -> None:
        """Show the cached snapshot (read off the GUI thread), then refresh. Idempotent."""
        if self._opened:
            return
        self._opened = True
        path = catalog_cache.cache_file(self.data_dir, self._profile)
        generation = self._generation

        def loaded(snapshot: CatalogSnapshot | None) -> None:
            if snapshot is not None and generation == self._generation and self.snapshot.fetched_at == 0:
                self._show(snapshot)
            self._cache_read()

        def unreadable(error: BaseException) -> None:
            self._failed_quietly(error)
            self._cache_read()

        # The refresh waits for the cache to be read: started together, the two contended for the GIL and the cached
        # first page took twice as long to appear.
        self._reading_cache = True
        self.bridge.call_blocking(lambda: catalog_cache.load(path), self, loaded, unreadable)

    def _cache_read(self) -> None:
        self._reading_cache = False
        if self.connection.client is not None:
            self.refresh()  # else when the client arrives (client_changed)

    def refresh(self) -> None:
        """Fetch the catalogue again in the background (F5)."""
        if self._reading_cache:
            return  # it follows the cache (_cache_read)
        client = self.connection.client
        if client is None:
            self.refresh_failed.emit(self.tr("Not connected: showing the last catalogue fetched."))
            return
        self._generation += 1
        generation, profile = self._generation, self._profile
        self._set_busy(True)

        def fetched(snapshot: CatalogSnapshot) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            self._show(snapshot)
            path = catalog_cache.cache_file(self.data_dir, profile)
            if self.bridge.engine.running:  # not while the app is shutting down
                import asyncio  # loaded by the engine already; not at import, as the first page is built

                save = asyncio.to_thread(catalog_cache.save, snapshot, path)
                self.bridge.call(save, self, None, self._failed_quietly)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            self.refresh_failed.emit(str(error))

        self.bridge.call(catalog_cache.fetch(client, profile), self, fetched, failed)

    def _client_changed(self) -> None:
        if self._opened and self.connection.client is not None:
            self.refresh()

    def _show(self, snapshot: CatalogSnapshot) -> None:
        self.snapshot = snapshot
        self.snapshot_changed.emit(snapshot)
        heap.freeze_long_lived()  # the records shown, the ones before them released (services/heap.py)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def _failed_quietly(self, error: BaseException) -> None:
        # The disk cache is a convenience: a failure to read or write it costs a slower start, nothing more.
        log.info("the catalogue cache could not be used: %s", error)
