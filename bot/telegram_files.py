"""Files kept in Telegram, read for the admin site: ``getFile``, then the download."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiohttp import ClientError, ClientResponseError

from web.keys import ReadTelegramFile, TelegramFileUnavailable

DOWNLOAD_TIMEOUT_SECONDS = 60


def telegram_file_reader(bot: Bot) -> ReadTelegramFile:
    """Reads a file by its file_id through ``bot`` (at most the Bot API's 20 MB)."""

    async def read(file_id: str) -> bytes:
        try:
            found = await bot.get_file(file_id)
        except TelegramBadRequest as error:  # an unknown file_id, or a file too big to give
            raise TelegramFileUnavailable(error.message, gone=True) from error
        except (TelegramAPIError, ClientError, TimeoutError) as error:
            raise TelegramFileUnavailable(str(error), gone=False) from error
        if not found.file_path:
            raise TelegramFileUnavailable("Telegram gave no path for the file", gone=True)
        try:
            downloaded = await bot.download_file(found.file_path, timeout=DOWNLOAD_TIMEOUT_SECONDS)
        except ClientResponseError as error:
            raise TelegramFileUnavailable(str(error), gone=error.status == 404) from error
        except (ClientError, TimeoutError) as error:
            raise TelegramFileUnavailable(str(error), gone=False) from error
        assert downloaded is not None  # no destination given: aiogram returns the bytes
        return downloaded.read()

    return read
