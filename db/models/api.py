"""What the REST API keeps besides the business records: the answers to requests sent with an
``Idempotency-Key``, so the same request sent again gets the first answer and changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class IdempotentRequest(Base):
    """One POST sent with an ``Idempotency-Key``: by whose token, a hash of what it asked, and
    the answer it got (``status`` 0 while it is being handled)."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (
        Index("ux_idempotent_requests_key", "token_id", "key", unique=True),
        Index("ix_idempotent_requests_made", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the method, the path with its query and the body.
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer, default=0)
    answer: Mapped[str] = mapped_column(Text, default="")
    # The answer's ETag and Location, when it had them.
    etag: Mapped[str | None] = mapped_column(String(80))
    location: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
