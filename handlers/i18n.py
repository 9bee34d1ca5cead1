"""aiogram's I18n, fed from the shared catalogs in ``crm/locales`` (compiled in memory)."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager

from aiogram.utils.i18n import I18n

from crm.i18n import LOCALES_DIR, shipped_catalogs

# Where a stranger's chosen language is kept (dialog data) until they have a client card.
STRANGER_LANGUAGE_KEY = "language"


class CatalogI18n(I18n):
    """aiogram's I18n over the one set of catalogs ``crm.i18n.translator`` also serves."""

    def __init__(self, default_locale: str) -> None:
        super().__init__(path=LOCALES_DIR, default_locale=default_locale)

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        return dict(shipped_catalogs())

    @contextmanager
    def context(self) -> Iterator[I18n]:
        # aiogram's gettext looks the instance up on I18n itself; a subclass gets a context
        # variable of its own, so set the base class's.
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)
