"""The declarative base every model shares, with a constraint naming convention."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all models; the web layer binds to it with ``SQLAlchemy(model_class=Base)``."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    #: Every model maps one table (none a join or a subquery), so ``Model.__table__`` is a
    #: ``Table`` for the type checker too (SQLAlchemy types it as any ``FromClause``).
    __table__: ClassVar[Table]
